/**
 * sshd_config(5) keywords, transcribed from servconf.c `keywords[]` (OpenSSH
 * 10.x; `allowedInMatch` is the table's SSHCFG_MATCH flag), the sshd_config(5)
 * manual and the release notes. Checked against `sshd -T`/`sshd -t` of OpenSSH
 * 9.2p1 (Debian 12) by test/integration/keywordsVsOpenssh.test.ts.
 */
import {
  entry,
  IPQOS_DEFAULT,
  IPQOS_DEFAULT_HISTORY,
  IPQOS_DEPRECATED_VALUES,
  IPQOS_VALUES,
  LOG_LEVELS,
  SYSLOG_FACILITIES,
  type Extra,
} from './common';
import type { KeywordInfo, ValueType } from './types';

/** `match` is the SSHCFG_MATCH flag: whether the keyword may appear inside a Match block. */
const s = (name: string, type: ValueType, sample: string, match: boolean, summary: string, extra: Extra = {}): KeywordInfo =>
  entry('server', name, type, sample, summary, { allowedInMatch: match, ...extra });

const ALL = true;
const GLOBAL = false;

const FORWARD_VALUES = ['yes', 'all', 'no', 'local', 'remote'];

export const serverKeywordData: readonly KeywordInfo[] = [
  // --- Structure ----------------------------------------------------------
  s('Match', 'criteria', 'all', ALL, 'Starts a block applied when all criteria hold (all, user, group, host, localaddress, localport, rdomain, address, invalid-user, version).', {
    multi: true,
    since: '4.4',
    notes: ['Only some keywords may appear inside; others make sshd refuse to start.', 'Criteria added later: rdomain (7.7), invalid-user (9.9), version (10.0).'],
  }),
  s('Include', 'path-list', '/nonexistent/ssh-lifeline-sample', ALL, 'Reads further configuration files (globs allowed; relative paths are under /etc/ssh).', { multi: true, since: '8.2' }),

  // --- Listening ----------------------------------------------------------
  s('Port', 'port', '2222', GLOBAL, 'A port sshd listens on.', { multi: true, default: '22' }),
  s('ListenAddress', 'address', '127.0.0.1', GLOBAL, 'A local address (with optional :port and `rdomain name`) sshd listens on.', { multi: true }),
  s('AddressFamily', 'enum', 'any', GLOBAL, 'Which address family sshd uses.', { values: ['any', 'inet', 'inet6'], default: 'any' }),
  s('RDomain', 'string', '%D', ALL, 'Routing domain for the authenticated session (`%D` = the one the connection arrived on), or `none`.', {
    since: '7.7',
    platform: 'openbsd',
    values: ['none'],
  }),
  s('MaxStartups', 'special', '10:30:100', GLOBAL, 'Limit on unauthenticated connections: `start:rate:full` random early drop, or a plain number.', { default: '10:30:100' }),
  s('PerSourceMaxStartups', 'special', 'none', GLOBAL, 'Limit on unauthenticated connections from one source block (a number or `none`).', {
    values: ['none'],
    default: 'none',
    since: '8.5',
  }),
  s('PerSourceNetBlockSize', 'special', '32:128', GLOBAL, 'Prefix lengths (`ipv4[:ipv6]`) grouping source addresses for PerSourceMaxStartups and PerSourcePenalties.', {
    default: '32:128',
    since: '8.5',
  }),
  s('PerSourcePenalties', 'special', 'authfail:5s', GLOBAL, 'Penalties that block source address blocks misbehaving before authentication: yes, no, or `kind:duration` items (crash, authfail, noauth, grace-exceeded, refuseconnection, max, min, max-sources4/6, overflow/overflow6).', {
    values: ['yes', 'no'],
    since: '9.8',
    notes: ['On by default: repeated unauthenticated probes from one address lock it (and its PerSourceNetBlockSize block) out.'],
  }),
  s('PerSourcePenaltyExemptList', 'list', '10.0.0.0/8', GLOBAL, 'Comma-separated address/mask ranges never penalised by PerSourcePenalties.', { since: '9.8' }),
  s('LoginGraceTime', 'time', '2m', GLOBAL, 'Time a client has to authenticate before sshd disconnects (0 = no limit).', { default: '120' }),
  s('UseDNS', 'yes-no', 'no', GLOBAL, 'Resolve and verify the client\'s host name (needed for host names in Match Host and from= options).', {
    default: 'no',
    defaultHistory: [{ before: '6.8', value: 'yes' }],
  }),
  s('TCPKeepAlive', 'yes-no', 'yes', GLOBAL, 'Whether the kernel sends TCP keepalives to clients (spoofable; first probe after two hours on Linux).', { default: 'yes' }),
  s('ClientAliveInterval', 'time', '30', ALL, 'Seconds of silence from the client after which sshd sends a keepalive through the encrypted channel (0 = never).', {
    default: '0',
    matchSince: '7.4',
  }),
  s('ClientAliveCountMax', 'integer', '3', ALL, 'Unanswered client-alive messages after which sshd disconnects; 0 disables disconnection.', {
    default: '3',
    matchSince: '7.4',
    notes: ['Since 8.2 a value of 0 disables connection termination (before, it killed the connection at the first probe).'],
  }),
  s('ChannelTimeout', 'special', 'session=5m', ALL, 'Closes channels idle for the given time: `type=interval` pairs (session, agent-connection, direct-tcpip, forwarded-tcpip, x11-connection, global, ...) or `none`.', {
    values: ['none'],
    since: '9.2',
    notes: ['The `global` type since 9.7.'],
  }),
  s('UnusedConnectionTimeout', 'time', 'none', ALL, 'Closes connections that have had no open channels for this long (`none` = never).', {
    values: ['none'],
    default: 'none',
    since: '9.2',
  }),
  s('RekeyLimit', 'special', 'default none', ALL, 'Data (with K, M, G suffix, or `default`) and optionally time (or `none`) after which session keys are renegotiated.', {
    values: ['default', 'none'],
    default: '0 0',
  }),
  s('IPQoS', 'special', 'af21 cs1', ALL, 'DSCP (or legacy ToS) marking for interactive and, optionally, non-interactive traffic.', {
    values: IPQOS_VALUES,
    default: IPQOS_DEFAULT,
    defaultHistory: IPQOS_DEFAULT_HISTORY,
    deprecatedValues: IPQOS_DEPRECATED_VALUES,
    since: '5.7',
    notes: ['`none` since 7.6, `le` since 8.2.', 'Debian 12 prints "lowdelay throughput" as its default.'],
  }),
  s('RefuseConnection', 'yes-no', 'no', ALL, 'Drop the connection at the first authentication request (useful in Match blocks).', { default: 'no', since: '9.9' }),

  // --- Host keys and files ------------------------------------------------
  s('HostKey', 'path', '/etc/ssh/ssh_host_ed25519_key', GLOBAL, 'A private host key file (or public key of a key held in HostKeyAgent).', { multi: true }),
  s('HostCertificate', 'path', '/nonexistent/ssh-lifeline-sample-cert.pub', GLOBAL, 'A host certificate matching one of the host keys.', { multi: true, since: '5.4' }),
  s('HostKeyAgent', 'path', 'none', GLOBAL, 'Socket of an agent holding the private host keys (`SSH_AUTH_SOCK`, case-sensitive, to use the environment).', {
    values: ['none'],
    default: 'none',
    since: '6.3',
  }),
  s('HostKeyAlgorithms', 'algorithms', 'ssh-ed25519', GLOBAL, 'Host key signature algorithms sshd offers.', { since: '7.0' }),
  s('PidFile', 'path', '/run/sshd.pid', GLOBAL, 'Where sshd writes its process ID (`none` to skip).', { values: ['none'] }),
  s('ModuliFile', 'path', '/etc/ssh/moduli', GLOBAL, 'File of Diffie-Hellman group-exchange moduli.', { since: '8.6' }),
  s('SshdSessionPath', 'path', '/usr/lib/openssh/sshd-session', GLOBAL, 'Path of the sshd-session binary that handles each connection.', { since: '9.8' }),
  s('SshdAuthPath', 'path', '/usr/lib/openssh/sshd-auth', GLOBAL, 'Path of the sshd-auth binary that runs the authentication phase.', { since: '10.0' }),
  s('VersionAddendum', 'string', 'none', GLOBAL, 'Text appended to the SSH protocol banner sshd sends, or `none`.', { values: ['none'], default: 'none', since: '6.3' }),
  s('FingerprintHash', 'enum', 'sha256', GLOBAL, 'Hash algorithm for key fingerprints in logs.', { values: ['md5', 'sha256'], default: 'SHA256', since: '6.8' }),
  s('SecurityKeyProvider', 'path', 'internal', GLOBAL, 'Library for FIDO authenticator access when verifying security-key signatures.', {
    values: ['internal'],
    default: 'internal',
    since: '8.2',
  }),

  // --- Crypto -------------------------------------------------------------
  s('Ciphers', 'algorithms', 'aes128-ctr', GLOBAL, 'Ciphers allowed, in order of preference (+, - or ^ modify the default list).'),
  s('MACs', 'algorithms', 'hmac-sha2-256', GLOBAL, 'MAC algorithms allowed (+, - or ^ modify the default list).'),
  s('KexAlgorithms', 'algorithms', 'curve25519-sha256', GLOBAL, 'Key exchange algorithms allowed (+, - or ^ modify the default list).', {
    since: '5.7',
    notes: ['10.0 removed the finite-field diffie-hellman-group* methods from the server default.'],
  }),
  s('CASignatureAlgorithms', 'algorithms', 'ssh-ed25519', ALL, 'Algorithms a certificate authority may use to sign user certificates.', { since: '7.9' }),
  s('Compression', 'enum', 'yes', GLOBAL, 'Whether compression is allowed after authentication.', {
    values: ['yes', 'delayed', 'no'],
    default: 'yes',
    deprecatedValues: [{ value: 'delayed', since: '7.4', note: 'Pre-authentication compression was removed; delayed is a legacy synonym for yes.', replacement: 'yes' }],
  }),

  // --- Logging ------------------------------------------------------------
  s('SyslogFacility', 'enum', 'AUTH', GLOBAL, 'Syslog facility for sshd\'s messages.', { values: SYSLOG_FACILITIES, default: 'AUTH' }),
  s('LogLevel', 'enum', 'VERBOSE', ALL, 'Verbosity of sshd\'s log.', { values: LOG_LEVELS, default: 'INFO', matchSince: '7.6' }),
  s('LogVerbose', 'pattern-list', 'kex.c:*:1000', ALL, 'Comma-separated file:function:line patterns forced to maximum debug logging.', { since: '8.5' }),

  // --- Authentication -----------------------------------------------------
  s('AuthenticationMethods', 'special', 'any', ALL, 'Lists of comma-separated methods (publickey, password, keyboard-interactive[:device], hostbased, gssapi-with-mic), any of which must all succeed; or `any`.', {
    values: ['any'],
    default: 'any',
    since: '6.2',
  }),
  s('PermitRootLogin', 'enum', 'prohibit-password', ALL, 'Whether root may log in: yes, prohibit-password (keys only), forced-commands-only or no.', {
    values: ['yes', 'prohibit-password', 'without-password', 'forced-commands-only', 'no'],
    default: 'prohibit-password',
    defaultHistory: [{ before: '10.1', value: 'without-password' }, { before: '7.0', value: 'yes' }],
    deprecatedValues: [{ value: 'without-password', since: '7.0', note: 'Old name of prohibit-password.', replacement: 'prohibit-password' }],
    notes: ['Before 10.1 `sshd -T` printed the default under its old name without-password.'],
  }),
  s('PubkeyAuthentication', 'yes-no', 'yes', ALL, 'Whether public key authentication is allowed.', { default: 'yes' }),
  s('PubkeyAcceptedAlgorithms', 'algorithms', 'ssh-ed25519', ALL, 'Signature algorithms accepted for public key authentication.', { since: '8.5' }),
  s('PubkeyAuthOptions', 'special', 'none', ALL, 'Options for FIDO keys: none, touch-required, verify-required.', {
    values: ['none', 'touch-required', 'verify-required'],
    default: 'none',
    since: '8.2',
  }),
  s('AuthorizedKeysFile', 'path-list', '.ssh/authorized_keys', ALL, 'Files with the users\' public keys (relative to the home directory; % tokens; `none`).', {
    values: ['none'],
    default: '.ssh/authorized_keys .ssh/authorized_keys2',
    notes: ['Several files since 5.9; glob patterns since 10.0.'],
  }),
  s('AuthorizedKeysCommand', 'command', 'none', ALL, 'A program that prints authorized keys for the user (needs AuthorizedKeysCommandUser).', {
    values: ['none'],
    default: 'none',
    since: '6.2',
  }),
  s('AuthorizedKeysCommandUser', 'string', 'nobody', ALL, 'The user AuthorizedKeysCommand runs as.', { default: 'none', since: '6.2' }),
  s('AuthorizedPrincipalsFile', 'path', 'none', ALL, 'File listing certificate principals accepted for the user.', { values: ['none'], default: 'none', since: '5.6' }),
  s('AuthorizedPrincipalsCommand', 'command', 'none', ALL, 'A program that prints accepted certificate principals for the user.', {
    values: ['none'],
    default: 'none',
    since: '6.9',
  }),
  s('AuthorizedPrincipalsCommandUser', 'string', 'nobody', ALL, 'The user AuthorizedPrincipalsCommand runs as.', { default: 'none', since: '6.9' }),
  s('TrustedUserCAKeys', 'path', 'none', ALL, 'File of CA public keys trusted to sign user certificates.', { values: ['none'], default: 'none', since: '5.4' }),
  s('RevokedKeys', 'path-list', 'none', ALL, 'Revoked public keys (text or KRL), or `none`.', { values: ['none'], default: 'none', since: '5.4' }),
  s('RequiredRSASize', 'integer', '2048', ALL, 'Minimum RSA key size in bits accepted for user authentication.', { default: '1024', since: '9.1' }),
  s('PasswordAuthentication', 'yes-no', 'no', ALL, 'Whether password authentication is allowed.', { default: 'yes' }),
  s('PermitEmptyPasswords', 'yes-no', 'no', ALL, 'Whether accounts with empty passwords may log in by password.', { default: 'no' }),
  s('KbdInteractiveAuthentication', 'yes-no', 'no', ALL, 'Whether keyboard-interactive authentication (PAM conversations, OTP) is allowed.', { default: 'yes' }),
  s('HostbasedAuthentication', 'yes-no', 'no', ALL, 'Whether host-based authentication (rhosts/shosts with host keys) is allowed.', { default: 'no' }),
  s('HostbasedUsesNameFromPacketOnly', 'yes-no', 'no', ALL, 'Trust the client-supplied host name in host-based authentication without a reverse lookup.', { default: 'no' }),
  s('HostbasedAcceptedAlgorithms', 'algorithms', 'ssh-ed25519', ALL, 'Signature algorithms accepted for host-based authentication.', { since: '8.5' }),
  s('IgnoreRhosts', 'enum', 'yes', ALL, 'Ignore .rhosts and .shosts in host-based authentication (`shosts-only` ignores only .rhosts).', {
    values: ['yes', 'no', 'shosts-only'],
    default: 'yes',
    matchSince: '8.3',
    notes: ['shosts-only since 8.3.'],
  }),
  s('IgnoreUserKnownHosts', 'yes-no', 'no', GLOBAL, 'Ignore ~/.ssh/known_hosts in host-based authentication.', { default: 'no' }),
  s('MaxAuthTries', 'integer', '6', ALL, 'Authentication attempts per connection before disconnecting.', { default: '6' }),
  s('StrictModes', 'yes-no', 'yes', GLOBAL, 'Check permissions and ownership of the user\'s files before accepting a login.', { default: 'yes' }),
  s('UsePAM', 'yes-no', 'no', GLOBAL, 'Use PAM for account and session handling (and keyboard-interactive/password).', {
    default: 'no',
    requires: 'pam',
    notes: ['Debian\'s shipped sshd_config sets it to yes.'],
  }),
  s('PAMServiceName', 'string', 'sshd', ALL, 'PAM service name sshd uses.', { default: 'sshd', since: '9.8', requires: 'pam' }),
  s('KerberosAuthentication', 'yes-no', 'no', ALL, 'Validate passwords against Kerberos.', { default: 'no', requires: 'kerberos' }),
  s('KerberosOrLocalPasswd', 'yes-no', 'yes', GLOBAL, 'Fall back to the local password when Kerberos validation fails.', { default: 'yes', requires: 'kerberos' }),
  s('KerberosTicketCleanup', 'yes-no', 'yes', GLOBAL, 'Destroy the user\'s ticket cache on logout.', { default: 'yes', requires: 'kerberos' }),
  s('KerberosGetAFSToken', 'yes-no', 'no', GLOBAL, 'Obtain an AFS token before accessing the home directory.', { requires: 'afs' }),
  s('GSSAPIAuthentication', 'yes-no', 'no', ALL, 'Whether GSSAPI (Kerberos) user authentication is allowed.', { default: 'no', requires: 'gssapi' }),
  s('GSSAPICleanupCredentials', 'yes-no', 'yes', GLOBAL, 'Destroy the user\'s delegated credentials on logout.', { default: 'yes', requires: 'gssapi' }),
  s('GSSAPIStrictAcceptorCheck', 'yes-no', 'yes', GLOBAL, 'Require the client to authenticate against this host\'s own service principal.', {
    default: 'yes',
    requires: 'gssapi',
  }),
  s('GSSAPIDelegateCredentials', 'yes-no', 'no', GLOBAL, 'Whether to accept credentials the client delegates.', {
    requires: 'gssapi',
    since: '10.3',
    notes: ['Present in the OpenSSH 10.3 keyword table and absent from 9.2; the exact release that added it was not verified, so `since` is an upper bound.'],
  }),

  // --- Access control -----------------------------------------------------
  s('AllowUsers', 'pattern-list', 'alice', ALL, 'Only these users (patterns, USER@HOST forms) may log in.', { multi: true }),
  s('DenyUsers', 'pattern-list', 'mallory', ALL, 'These users (patterns) may not log in.', { multi: true }),
  s('AllowGroups', 'pattern-list', 'ssh-users', ALL, 'Only members of these groups (patterns) may log in.', { multi: true }),
  s('DenyGroups', 'pattern-list', 'nossh', ALL, 'Members of these groups (patterns) may not log in.', { multi: true }),

  // --- Forwarding ---------------------------------------------------------
  s('AllowTcpForwarding', 'enum', 'no', ALL, 'Whether TCP forwarding is permitted (`local` or `remote` for one direction).', { values: FORWARD_VALUES, default: 'yes' }),
  s('AllowStreamLocalForwarding', 'enum', 'no', ALL, 'Whether Unix-domain socket forwarding is permitted.', { values: FORWARD_VALUES, default: 'yes', since: '6.7' }),
  s('AllowAgentForwarding', 'yes-no', 'no', ALL, 'Whether ssh-agent forwarding is permitted.', { default: 'yes', since: '5.2' }),
  s('DisableForwarding', 'yes-no', 'no', ALL, 'Disable all forwarding (X11, agent, TCP, tunnel, Unix sockets), overriding the other options.', { default: 'no', since: '7.4' }),
  s('GatewayPorts', 'enum', 'no', ALL, 'Whether remote-forwarded ports bind to all addresses (`clientspecified` lets the client choose).', {
    values: ['yes', 'no', 'clientspecified'],
    default: 'no',
  }),
  s('PermitOpen', 'word-list', 'any', ALL, 'Destinations (host:port, `any`, `none`) local forwarding may connect to.', { values: ['any', 'none'], default: 'any', since: '4.4' }),
  s('PermitListen', 'word-list', 'any', ALL, 'Addresses and ports (`any`, `none`) remote forwarding may listen on.', { values: ['any', 'none'], default: 'any', since: '7.8' }),
  s('PermitTunnel', 'enum', 'no', ALL, 'Whether tun(4) device forwarding is permitted.', { values: ['yes', 'point-to-point', 'ethernet', 'no'], default: 'no' }),
  s('X11Forwarding', 'yes-no', 'no', ALL, 'Whether X11 forwarding is permitted.', { default: 'no' }),
  s('X11DisplayOffset', 'integer', '10', ALL, 'First display number used for X11 forwarding.', { default: '10' }),
  s('X11UseLocalhost', 'yes-no', 'yes', ALL, 'Bind the X11 forwarding server to the loopback address.', { default: 'yes' }),
  s('XAuthLocation', 'path', '/usr/bin/xauth', GLOBAL, 'Full path of the xauth program.'),
  s('StreamLocalBindMask', 'special', '0177', ALL, 'Octal umask for Unix-domain sockets created by remote forwarding.', { default: '0177', since: '6.7' }),
  s('StreamLocalBindUnlink', 'yes-no', 'no', ALL, 'Remove an existing socket file before creating a forwarded one.', { default: 'no', since: '6.7' }),

  // --- Session ------------------------------------------------------------
  s('ForceCommand', 'command', 'internal-sftp', ALL, 'Run this command instead of the one the client asks for (`none` to cancel).', { values: ['none'], default: 'none', since: '4.4' }),
  s('ChrootDirectory', 'path', 'none', ALL, 'Directory to chroot(2) into after authentication (root-owned, not writable by others).', {
    values: ['none'],
    default: 'none',
    since: '4.8',
  }),
  s('Subsystem', 'special', 'sftp internal-sftp', ALL, 'Defines a subsystem: name, then a command with arguments (`internal-sftp` for the built-in server).', {
    multi: true,
    matchSince: '9.5',
  }),
  s('MaxSessions', 'integer', '10', ALL, 'Maximum sessions (shells, commands, subsystems) per connection.', { default: '10', since: '5.1' }),
  s('Banner', 'path', 'none', ALL, 'File shown to the client before authentication, or `none`.', { values: ['none'], default: 'none' }),
  s('PrintMotd', 'yes-no', 'no', GLOBAL, 'Print /etc/motd at interactive login.', { default: 'yes' }),
  s('PrintLastLog', 'yes-no', 'yes', GLOBAL, 'Print the time and origin of the last login.', { default: 'yes', requires: 'lastlog' }),
  s('PermitTTY', 'yes-no', 'yes', ALL, 'Whether a pseudo-terminal may be allocated.', { default: 'yes' }),
  s('PermitUserRC', 'yes-no', 'yes', ALL, 'Whether ~/.ssh/rc is run at login.', { default: 'yes', since: '6.7' }),
  s('PermitUserEnvironment', 'special', 'no', GLOBAL, 'Whether ~/.ssh/environment and environment= options are honoured: yes, no, or a pattern-list of variable names.', {
    values: ['yes', 'no'],
    default: 'no',
    notes: ['A pattern-list since 7.8.'],
  }),
  s('AcceptEnv', 'pattern-list', 'LANG LC_*', ALL, 'Environment variables (patterns) sent by the client that are copied into the session.', { multi: true, since: '3.9' }),
  s('SetEnv', 'env', 'FOO=bar', ALL, 'NAME=VALUE pairs set in every session.', {
    since: '7.8',
    notes: ['Since 9.1 first-match-wins: only the first SetEnv line obtained is used.'],
  }),
  s('ExposeAuthInfo', 'yes-no', 'no', ALL, 'Write the authentication methods (and keys) used to a file named by $SSH_USER_AUTH.', { default: 'no', since: '7.6' }),

  // --- Aliases and deprecated names ---------------------------------------
  s('ChallengeResponseAuthentication', 'yes-no', 'no', ALL, 'Old name of KbdInteractiveAuthentication.', {
    aliasOf: 'KbdInteractiveAuthentication',
    deprecated: { since: '8.7', note: 'Kept as an alias of KbdInteractiveAuthentication.', replacement: 'KbdInteractiveAuthentication' },
  }),
  s('SkeyAuthentication', 'yes-no', 'no', ALL, 'Old S/Key name, mapped to KbdInteractiveAuthentication.', {
    aliasOf: 'KbdInteractiveAuthentication',
    deprecated: { since: '7.8', note: 'Built-in S/Key support was removed in 7.8; the name maps to KbdInteractiveAuthentication.', replacement: 'KbdInteractiveAuthentication' },
  }),
  s('DSAAuthentication', 'yes-no', 'yes', GLOBAL, 'Old name mapped to PubkeyAuthentication.', {
    aliasOf: 'PubkeyAuthentication',
    deprecated: { note: 'Alias of PubkeyAuthentication.', replacement: 'PubkeyAuthentication' },
  }),
  s('HostDSAKey', 'path', '/etc/ssh/ssh_host_ed25519_key', GLOBAL, 'Old name of HostKey.', {
    multi: true,
    aliasOf: 'HostKey',
    deprecated: { note: 'Alias of HostKey.', replacement: 'HostKey' },
  }),
  s('KeepAlive', 'yes-no', 'yes', GLOBAL, 'Old name of TCPKeepAlive.', {
    aliasOf: 'TCPKeepAlive',
    deprecated: { since: '3.8', note: 'Renamed TCPKeepAlive.', replacement: 'TCPKeepAlive' },
  }),
  s('PubkeyAcceptedKeyTypes', 'algorithms', 'ssh-ed25519', ALL, 'Old name of PubkeyAcceptedAlgorithms.', {
    since: '6.8',
    aliasOf: 'PubkeyAcceptedAlgorithms',
    deprecated: { since: '8.5', note: 'Renamed PubkeyAcceptedAlgorithms; kept as an alias.', replacement: 'PubkeyAcceptedAlgorithms' },
  }),
  s('HostbasedAcceptedKeyTypes', 'algorithms', 'ssh-ed25519', ALL, 'Old name of HostbasedAcceptedAlgorithms.', {
    since: '6.8',
    aliasOf: 'HostbasedAcceptedAlgorithms',
    deprecated: { since: '8.5', note: 'Renamed HostbasedAcceptedAlgorithms; kept as an alias.', replacement: 'HostbasedAcceptedAlgorithms' },
  }),

  // --- Removed: still parsed, ignored -------------------------------------
  s('Protocol', 'string', '2', GLOBAL, 'Selected SSH protocol versions; only protocol 2 exists now.', {
    removed: { since: '7.4', note: 'SSH protocol 1 support was removed from sshd; the keyword is silently ignored.', handling: 'ignored' },
  }),
  s('UsePrivilegeSeparation', 'string', 'sandbox', GLOBAL, 'Whether sshd separated privileges (yes, no, sandbox).', {
    removed: { since: '7.5', note: 'Privilege separation is mandatory; ignored with "Deprecated option".', handling: 'deprecated' },
  }),
  s('ServerKeyBits', 'integer', '1024', GLOBAL, 'Size of the ephemeral SSH protocol 1 server key.', {
    removed: { since: '7.4', note: 'SSH protocol 1 only; ignored with "Deprecated option".', handling: 'deprecated' },
  }),
  s('KeyRegenerationInterval', 'time', '3600', GLOBAL, 'Regeneration interval of the SSH protocol 1 server key.', {
    removed: { since: '7.4', note: 'SSH protocol 1 only; ignored with "Deprecated option".', handling: 'deprecated' },
  }),
  s('RSAAuthentication', 'yes-no', 'yes', ALL, 'SSH protocol 1 RSA authentication.', {
    removed: { since: '7.4', note: 'SSH protocol 1 only; ignored with "Deprecated option".', handling: 'deprecated', replacement: 'PubkeyAuthentication' },
  }),
  s('RhostsRSAAuthentication', 'yes-no', 'no', ALL, 'SSH protocol 1 rhosts-with-RSA authentication.', {
    removed: { since: '7.4', note: 'SSH protocol 1 only; ignored with "Deprecated option".', handling: 'deprecated', replacement: 'HostbasedAuthentication' },
  }),
  s('RhostsAuthentication', 'yes-no', 'no', GLOBAL, 'Plain rhosts authentication.', {
    removed: { note: 'Long removed; ignored with "Deprecated option".', handling: 'deprecated' },
  }),
  s('UseLogin', 'yes-no', 'no', GLOBAL, 'Run login(1) for interactive sessions.', {
    removed: { since: '7.4', note: 'Support for login(1) was removed; ignored with "Deprecated option".', handling: 'deprecated' },
  }),
  s('PAMAuthenticationViaKbdInt', 'yes-no', 'no', GLOBAL, 'Old switch for PAM through keyboard-interactive authentication.', {
    removed: { note: 'Ignored with "Deprecated option"; PAM authentication goes through KbdInteractiveAuthentication.', handling: 'deprecated', replacement: 'KbdInteractiveAuthentication' },
  }),
  s('CheckMail', 'yes-no', 'no', GLOBAL, 'Report new mail at login.', {
    removed: { note: 'Ignored with "Deprecated option".', handling: 'deprecated' },
  }),
  s('VerifyReverseMapping', 'yes-no', 'no', GLOBAL, 'Old name for checking that the client\'s reverse DNS maps back.', {
    removed: { note: 'Ignored with "Deprecated option".', handling: 'deprecated', replacement: 'UseDNS' },
  }),
  s('ReverseMappingCheck', 'yes-no', 'no', GLOBAL, 'Old name for checking that the client\'s reverse DNS maps back.', {
    removed: { note: 'Ignored with "Deprecated option".', handling: 'deprecated', replacement: 'UseDNS' },
  }),
  s('AuthorizedKeysFile2', 'path', '.ssh/authorized_keys2', ALL, 'Second authorized keys file.', {
    removed: { note: 'AuthorizedKeysFile takes several files; ignored with "Deprecated option".', handling: 'deprecated', replacement: 'AuthorizedKeysFile' },
  }),
  s('KerberosTgtPassing', 'yes-no', 'no', GLOBAL, 'Kerberos ticket forwarding of SSH protocol 1.', {
    removed: { note: 'Ignored with "Unsupported option".', handling: 'unsupported' },
  }),
  s('AFSTokenPassing', 'yes-no', 'no', GLOBAL, 'AFS token forwarding of SSH protocol 1.', {
    removed: { note: 'Ignored with "Unsupported option".', handling: 'unsupported' },
  }),

  // --- Vendor builds ------------------------------------------------------
  s('GSSAPIKeyExchange', 'yes-no', 'no', GLOBAL, 'Offer GSSAPI (Kerberos) key exchange.', { vendor: 'gsskex', default: 'no', requires: 'gssapi' }),
  s('GSSAPIStoreCredentialsOnRekey', 'yes-no', 'no', GLOBAL, 'Update the stored delegated credentials when the client rekeys with renewed ones.', {
    vendor: 'gsskex',
    default: 'no',
    requires: 'gssapi',
  }),
  s('GSSAPIKexAlgorithms', 'algorithms', 'gss-group14-sha256-', GLOBAL, 'GSSAPI key exchange algorithms to offer.', { vendor: 'gsskex', requires: 'gssapi' }),
  s('DebianBanner', 'yes-no', 'no', GLOBAL, 'Whether the protocol banner includes the Debian package revision.', { vendor: 'debian' }),
  s('PermitBlacklistedKeys', 'yes-no', 'no', GLOBAL, 'Accept keys listed as weak after the 2008 Debian OpenSSL flaw.', {
    vendor: 'debian',
    removed: { note: 'Debian dropped the blacklist; ignored with "Deprecated option".', handling: 'deprecated' },
  }),
];
