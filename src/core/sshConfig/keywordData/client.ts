/**
 * ssh_config(5) keywords, transcribed from readconf.c `keywords[]` (OpenSSH 10.x;
 * the table is unchanged from 10.1 to 10.3 apart from what is marked), the
 * ssh_config(5) manual and the release notes. Checked against `ssh -G` of
 * OpenSSH 9.2p1 (Debian 12) by test/integration/keywordsVsOpenssh.test.ts.
 */
import {
  CLIENT_YES_NO,
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

const c = (name: string, type: ValueType, sample: string, summary: string, extra: Extra = {}): KeywordInfo =>
  entry('client', name, type, sample, summary, extra);

/** Shared by the three known_hosts-style algorithm keywords. */
const SIG_ALGS = 'Comma-separated signature algorithms; a leading +, - or ^ appends to, removes from or prepends to the default list.';

export const clientKeywordData: readonly KeywordInfo[] = [
  // --- Blocks -------------------------------------------------------------
  c('Host', 'criteria', 'x', 'Starts a block that applies when the host name given on the command line matches one of the patterns.', { multi: true }),
  c('Match', 'criteria', 'all', 'Starts a block that applies when all criteria hold (all, canonical, final, exec, host, originalhost, user, localuser, localnetwork, tagged, version, sessiontype, command).', {
    multi: true,
    since: '6.5',
    notes: [
      '`Match exec` runs a command through the user\'s shell, also under `ssh -G`.',
      'Criteria added later: final (8.0), localnetwork and tagged (9.4), version, sessiontype and command (10.0).',
    ],
  }),
  c('Include', 'path-list', '/nonexistent/ssh-lifeline-sample', 'Reads further configuration files (globs allowed; relative paths are under ~/.ssh or /etc/ssh).', {
    multi: true,
    since: '7.3',
    notes: ['Inside a Host or Match block the included lines are conditional on it.', 'Environment variables and % tokens are expanded since 9.9.'],
  }),
  c('Tag', 'string', 'work', 'Sets a tag name that later `Match tagged` blocks can select.', { since: '9.4' }),

  // --- Connection ---------------------------------------------------------
  c('Hostname', 'host', 'example.com', 'The real host name or address to connect to; may contain % tokens.'),
  c('Port', 'port', '2222', 'The port to connect to on the remote host.', { default: '22' }),
  c('User', 'string', 'alice', 'The user name to log in as.', { notes: ['% tokens and environment variables are expanded since 10.0.'] }),
  c('AddressFamily', 'enum', 'inet', 'Which address family to use when connecting.', { values: ['any', 'inet', 'inet6'], default: 'any' }),
  c('BindAddress', 'address', '127.0.0.1', 'The local address to use as the source of the connection.'),
  c('BindInterface', 'string', 'lo', 'Use the address of this local interface as the source of the connection.', { since: '7.7' }),
  c('ConnectionAttempts', 'integer', '1', 'Number of connection attempts (one per second) before giving up.', { default: '1' }),
  c('ConnectTimeout', 'time', '10', 'Timeout for establishing the TCP connection and the SSH handshake, instead of the kernel\'s.', {
    values: ['none'],
    default: 'none',
  }),
  c('ProxyCommand', 'command', 'nc %h %p', 'A command whose stdin/stdout become the connection to the server (`none` disables).', {
    values: ['none'],
  }),
  c('ProxyJump', 'special', 'jump.example.com', 'One or more comma-separated jump hosts ([user@]host[:port] or ssh:// URIs) to reach the target through, or `none`.', {
    values: ['none'],
    since: '7.3',
  }),
  c('ProxyUseFdpass', 'yes-no', 'no', 'ProxyCommand passes back a connected file descriptor instead of relaying data.', { since: '6.5', default: 'no' }),
  c('CanonicalizeHostname', 'enum', 'yes', 'Whether to rewrite the host name with CanonicalDomains before connecting (`always` also for proxied connections).', {
    values: ['yes', 'no', 'always', 'true', 'false'],
    default: 'false',
    since: '6.5',
  }),
  c('CanonicalDomains', 'word-list', 'example.com', 'Domain suffixes to try when CanonicalizeHostname is enabled.', { default: 'none', since: '6.5' }),
  c('CanonicalizeFallbackLocal', 'yes-no', 'yes', 'Whether to fall back to the system resolver when canonicalization fails.', { default: 'yes', since: '6.5' }),
  c('CanonicalizeMaxDots', 'integer', '1', 'Maximum number of dots in a host name before canonicalization is skipped.', { default: '1', since: '6.5' }),
  c('CanonicalizePermittedCNAMEs', 'special', '*.a.example.com:*.b.example.com', 'Rules `source_domains:target_domains` for following CNAMEs during canonicalization, or `none`.', {
    values: ['none'],
    default: 'none',
    since: '6.5',
  }),

  // --- Keepalive, timeouts ------------------------------------------------
  c('ServerAliveInterval', 'time', '30', 'Seconds of silence from the server after which ssh sends a keepalive through the encrypted channel (0 = never).', {
    default: '0',
    since: '3.8',
    notes: ['Debian: defaults to 300 when BatchMode is yes.', 'Detection time is about ServerAliveInterval x ServerAliveCountMax.'],
  }),
  c('ServerAliveCountMax', 'integer', '3', 'Unanswered server-alive messages after which ssh disconnects.', { default: '3', since: '3.8' }),
  c('TCPKeepAlive', 'yes-no', 'yes', 'Whether the kernel sends TCP keepalives (spoofable; first probe after two hours on Linux).', { default: 'yes', since: '3.8' }),
  c('ChannelTimeout', 'special', 'session=5m', 'Closes channels idle for the given time: `type=interval` pairs (session, agent-connection, direct-tcpip, x11-connection, global, ...) or `none`.', {
    values: ['none'],
    since: '9.6',
  }),
  c('ObscureKeystrokeTiming', 'special', 'interval:20', 'Hides keystroke timing by sending traffic at fixed intervals: yes, no or `interval:milliseconds` (default 20 ms).', {
    values: ['yes', 'no', 'true', 'false'],
    since: '9.5',
  }),
  c('RekeyLimit', 'special', '1G 1h', 'Data (with K, M, G suffix, or `default`) and optionally time (or `none`) after which session keys are renegotiated.', {
    values: ['default', 'none'],
    default: '0 0',
  }),

  // --- Authentication -----------------------------------------------------
  c('IdentityFile', 'path', '~/.ssh/id_ed25519', 'A private key (or public key of an agent/PKCS#11 key) to try for authentication; may use ~, % tokens and ${ENV}.', {
    multi: true,
    values: ['none'],
    notes: ['Default list: id_rsa, id_ecdsa, id_ecdsa_sk, id_ed25519, id_ed25519_sk (id_dsa until 10.0, id_xmss until 10.1).'],
  }),
  c('CertificateFile', 'path', '~/.ssh/id_ed25519-cert.pub', 'A certificate to offer alongside a separately specified private key.', { multi: true, since: '7.2' }),
  c('IdentitiesOnly', 'yes-no', 'yes', 'Offer only the configured identity files, not every key in the agent.', { default: 'no' }),
  c('IdentityAgent', 'path', 'none', 'The agent socket to use: a path, `SSH_AUTH_SOCK` or `$VAR` (case-sensitive) to read it from the environment, or `none`.', {
    values: ['none'],
    since: '7.3',
  }),
  c('AddKeysToAgent', 'special', 'yes', 'Add keys used for authentication to the agent: yes, no, ask, confirm (optionally with a lifetime) or a lifetime.', {
    values: ['yes', 'no', 'ask', 'confirm', 'true', 'false'],
    default: 'false',
    since: '7.2',
    notes: ['A time interval as lifetime is accepted since 8.3.'],
  }),
  c('PubkeyAuthentication', 'enum', 'yes', 'Whether to try public key authentication (`unbound`/`host-bound` control the agent-restriction extension).', {
    values: ['yes', 'no', 'unbound', 'host-bound', 'true', 'false'],
    default: 'true',
    notes: ['unbound and host-bound since 8.9.'],
  }),
  c('PasswordAuthentication', 'yes-no', 'yes', 'Whether to try password authentication.', { default: 'yes' }),
  c('KbdInteractiveAuthentication', 'yes-no', 'yes', 'Whether to try keyboard-interactive authentication.', { default: 'yes' }),
  c('KbdInteractiveDevices', 'list', 'pam', 'Comma-separated keyboard-interactive devices to request (default: the server\'s choice).'),
  c('HostbasedAuthentication', 'yes-no', 'no', 'Whether to try host-based authentication.', { default: 'no' }),
  c('GSSAPIAuthentication', 'yes-no', 'no', 'Whether to try GSSAPI (Kerberos) user authentication.', { default: 'no', requires: 'gssapi' }),
  c('GSSAPIDelegateCredentials', 'yes-no', 'no', 'Whether to forward (delegate) GSSAPI credentials to the server.', { default: 'no', requires: 'gssapi' }),
  c('PreferredAuthentications', 'list', 'publickey,password', 'Comma-separated order in which to try authentication methods.'),
  c('NumberOfPasswordPrompts', 'integer', '3', 'Password prompts before giving up.', { default: '3' }),
  c('BatchMode', 'yes-no', 'yes', 'Disable all prompts (passwords, host key confirmation) for scripts.', { default: 'no' }),
  c('PKCS11Provider', 'path', 'none', 'PKCS#11 shared library to load keys from, or `none`.', { since: '5.4', requires: 'pkcs11', values: ['none'] }),
  c('SecurityKeyProvider', 'path', 'internal', 'Library for FIDO authenticator (security key) access; `internal` uses the built-in one.', {
    values: ['internal'],
    default: 'internal',
    since: '8.2',
  }),
  c('PubkeyAcceptedAlgorithms', 'algorithms', 'ssh-ed25519', `Signature algorithms to use for public key authentication. ${SIG_ALGS}`, { since: '8.5' }),
  c('HostbasedAcceptedAlgorithms', 'algorithms', 'ssh-ed25519', `Signature algorithms to use for host-based authentication. ${SIG_ALGS}`, { since: '8.5' }),
  c('RequiredRSASize', 'integer', '2048', 'Minimum RSA key size in bits; smaller host or user keys are refused.', { default: '1024', since: '9.1' }),
  c('EnableSSHKeysign', 'yes-no', 'no', 'Use the ssh-keysign helper during host-based authentication (global section only).', { default: 'no' }),
  c('NoHostAuthenticationForLocalhost', 'yes-no', 'no', 'Skip host key checking for connections to localhost.', { default: 'no' }),

  // --- Host keys ----------------------------------------------------------
  c('StrictHostKeyChecking', 'enum', 'accept-new', 'What to do with unknown or changed host keys: ask, yes (refuse), accept-new, or no/off (accept and continue).', {
    values: ['yes', 'no', 'ask', 'off', 'accept-new', 'true', 'false'],
    default: 'ask',
    notes: ['accept-new and off since 7.6.'],
  }),
  c('CheckHostIP', 'yes-no', 'no', 'Also check the server\'s IP address in known_hosts.', { default: 'no', defaultHistory: [{ before: '8.5', value: 'yes' }] }),
  c('UserKnownHostsFile', 'path-list', '~/.ssh/known_hosts', 'The user\'s known_hosts files (or `none`).', {
    values: ['none'],
    default: '~/.ssh/known_hosts ~/.ssh/known_hosts2',
    notes: ['ssh -G prints the paths with ~ expanded.', '% tokens and ${ENV} expanded since 8.4; `none` since 8.5.'],
  }),
  c('GlobalKnownHostsFile', 'path-list', '/etc/ssh/ssh_known_hosts', 'The system-wide known_hosts files (or `none`).', { values: ['none'] }),
  c('HashKnownHosts', 'yes-no', 'yes', 'Hash host names when adding them to known_hosts.', { default: 'no', since: '4.0' }),
  c('HostKeyAlgorithms', 'algorithms', 'ssh-ed25519', `Host key signature algorithms the client accepts, in order of preference. ${SIG_ALGS}`),
  c('HostKeyAlias', 'string', 'alias', 'The name to use instead of the real host name when looking up and saving host keys.'),
  c('CASignatureAlgorithms', 'algorithms', 'ssh-ed25519', 'Algorithms a certificate authority may use to sign host certificates.', { since: '7.9' }),
  c('RevokedHostKeys', 'path-list', '/dev/null', 'Files of revoked host keys (text or KRL), or `none`.', { since: '6.8', values: ['none'] }),
  c('UpdateHostKeys', 'enum', 'yes', 'Accept additional host keys the server announces after authentication (hostkeys@openssh.com).', {
    values: ['yes', 'no', 'ask', 'true', 'false'],
    default: 'true',
    since: '6.8',
    defaultHistory: [{ before: '8.5', value: 'false' }],
    notes: ['Since 8.5 on by default unless VerifyHostKeyDNS or a non-default UserKnownHostsFile is set.'],
  }),
  c('VerifyHostKeyDNS', 'enum', 'no', 'Verify the host key with SSHFP DNS records.', { values: ['yes', 'no', 'ask', 'true', 'false'], default: 'false' }),
  c('VisualHostKey', 'yes-no', 'no', 'Print an ASCII-art picture of the host key fingerprint.', { default: 'no', since: '5.1' }),
  c('FingerprintHash', 'enum', 'sha256', 'Hash algorithm for displayed key fingerprints.', { values: ['md5', 'sha256'], default: 'SHA256', since: '6.8' }),
  c('KnownHostsCommand', 'command', '/bin/true', 'A command that prints known_hosts lines for the destination, in addition to the files.', { since: '8.5' }),

  // --- Crypto -------------------------------------------------------------
  c('Ciphers', 'algorithms', 'aes128-ctr', 'Ciphers allowed, in order of preference (+, - or ^ modify the default list).'),
  c('MACs', 'algorithms', 'hmac-sha2-256', 'MAC algorithms allowed, in order of preference (+, - or ^ modify the default list).'),
  c('KexAlgorithms', 'algorithms', 'curve25519-sha256', 'Key exchange algorithms allowed, in order of preference (+, - or ^ modify the default list).', { since: '5.7' }),
  c('Compression', 'enum', 'yes', 'Whether to compress the connection.', { values: ['yes', 'no'], default: 'no' }),
  c('WarnWeakCrypto', 'enum', 'no-pq-kex', 'Whether to warn about weak cryptography; currently a key agreement that is not post-quantum (`no-pq-kex` silences only that).', {
    values: ['yes', 'no', 'no-pq-kex', 'true', 'false'],
    since: '10.1',
  }),

  // --- Forwarding ---------------------------------------------------------
  c('LocalForward', 'forward', '8080 localhost:80', 'Forward a local port or Unix socket to a host:port or socket reachable from the server.', { multi: true }),
  c('RemoteForward', 'forward', '8080 localhost:80', 'Forward a port or socket on the server to a destination reachable from the client (or act as SOCKS proxy).', { multi: true }),
  c('DynamicForward', 'forward', '1080', 'Open a local SOCKS4/5 proxy port whose connections go out through the server.', { multi: true }),
  c('GatewayPorts', 'yes-no', 'no', 'Let other hosts connect to locally forwarded ports.', { default: 'no' }),
  c('ExitOnForwardFailure', 'yes-no', 'yes', 'Exit if any requested forwarding cannot be set up.', { default: 'no', since: '4.4' }),
  c('ClearAllForwardings', 'yes-no', 'no', 'Clear all forwardings from the configuration files and command line.', { default: 'no' }),
  c('PermitRemoteOpen', 'word-list', 'any', 'Destinations (host:port, `any` or `none`) allowed for remote forwarding used as a SOCKS proxy.', {
    values: ['any', 'none'],
    default: 'any',
    since: '8.5',
  }),
  c('ForwardAgent', 'special', 'no', 'Forward the authentication agent: yes, no, a socket path or an environment variable holding one.', {
    values: CLIENT_YES_NO,
    default: 'no',
    notes: ['A path or variable name is accepted since 8.2.'],
  }),
  c('ForwardX11', 'yes-no', 'no', 'Forward X11 connections.', { default: 'no' }),
  c('ForwardX11Trusted', 'yes-no', 'no', 'Give forwarded X11 clients full access to the display (no X11 SECURITY restrictions).', {
    default: 'no',
    notes: ['Debian patches the default to yes.'],
  }),
  c('ForwardX11Timeout', 'time', '20m', 'Time after which untrusted X11 forwarding refuses new connections (0 = never).', { default: '1200' }),
  c('XAuthLocation', 'path', '/usr/bin/xauth', 'Full path of the xauth program.'),
  c('StreamLocalBindMask', 'special', '0177', 'Octal umask for Unix-domain sockets created by local forwarding.', { default: '0177', since: '6.7' }),
  c('StreamLocalBindUnlink', 'yes-no', 'no', 'Remove an existing Unix-domain socket before creating a forwarded one.', { default: 'no', since: '6.7' }),
  c('Tunnel', 'enum', 'no', 'Request tun(4) device forwarding.', { values: ['yes', 'no', 'point-to-point', 'ethernet', 'true', 'false'], default: 'false', since: '4.3' }),
  c('TunnelDevice', 'special', 'any:any', 'tun devices to open: `local_tun[:remote_tun]` (numbers or `any`).', { default: 'any:any', since: '4.3' }),

  // --- Session ------------------------------------------------------------
  c('RequestTTY', 'enum', 'auto', 'Whether to request a pseudo-terminal for the session.', { values: ['yes', 'no', 'force', 'auto', 'true', 'false'], default: 'auto', since: '5.9' }),
  c('RemoteCommand', 'command', 'uptime', 'A command to run on the server instead of a shell.', { since: '7.6', values: ['none'] }),
  c('SessionType', 'enum', 'default', 'The session to request: a shell or command (`default`), a `subsystem`, or `none` (like -N).', {
    values: ['none', 'subsystem', 'default'],
    default: 'default',
    since: '8.7',
  }),
  c('StdinNull', 'yes-no', 'no', 'Redirect stdin from /dev/null, like -n.', { default: 'no', since: '8.7' }),
  c('ForkAfterAuthentication', 'yes-no', 'no', 'Go to the background after authentication, like -f.', { default: 'no', since: '8.7' }),
  c('SendEnv', 'pattern-list', 'LANG LC_*', 'Local environment variables (patterns) to send to the server; `-PATTERN` removes earlier ones.', {
    multi: true,
    since: '3.9',
  }),
  c('SetEnv', 'env', 'FOO=bar', 'NAME=VALUE pairs to send to the server as environment variables.', {
    since: '7.8',
    notes: [
      'Since 9.1 first-match-wins like other options: only the first SetEnv line obtained is used (before 9.1 lines accumulated).',
      '% tokens and environment variables are expanded since 10.0.',
    ],
  }),
  c('EscapeChar', 'special', '~', 'The session escape character: a single character, `^` followed by a letter, or `none`.', { values: ['none'], default: '~' }),
  c('EnableEscapeCommandline', 'yes-no', 'no', 'Whether the ~C escape opens the command line (runtime port forwarding).', { default: 'no', since: '9.2' }),
  c('LocalCommand', 'command', 'true', 'A command to run locally after connecting (requires PermitLocalCommand).', { since: '4.3' }),
  c('PermitLocalCommand', 'yes-no', 'no', 'Allow LocalCommand and the !command escape.', { default: 'no', since: '4.3' }),
  c('RefuseConnection', 'string', 'deprecated', 'When reached in an active section, ssh exits with the argument as its error message.', { since: '10.1' }),
  c('VersionAddendum', 'string', 'none', 'Text appended to the SSH protocol banner the client sends, or `none`.', { values: ['none'], since: '10.0' }),

  // --- Multiplexing -------------------------------------------------------
  c('ControlMaster', 'enum', 'auto', 'Share connections through a control socket: yes, no, ask, auto or autoask.', {
    values: ['yes', 'no', 'ask', 'auto', 'autoask', 'true', 'false'],
    default: 'false',
    since: '3.9',
  }),
  c('ControlPath', 'path', 'none', 'Path of the control socket for connection sharing (% tokens, ${ENV}), or `none`.', { values: ['none'], since: '3.9' }),
  c('ControlPersist', 'time', '10m', 'Keep the master connection open in the background: yes (indefinitely), no, or for a time after the last client.', {
    values: ['yes', 'no', 'true', 'false'],
    default: 'no',
    since: '5.6',
  }),

  // --- Logging ------------------------------------------------------------
  c('LogLevel', 'enum', 'INFO', 'Verbosity of ssh\'s own messages.', { values: LOG_LEVELS, default: 'INFO' }),
  c('LogVerbose', 'pattern-list', 'kex.c:*:1000', 'Comma-separated file:function:line patterns forced to maximum debug logging.', { since: '8.5', default: 'none' }),
  c('SyslogFacility', 'enum', 'USER', 'Syslog facility for messages when ssh logs to syslog.', { values: SYSLOG_FACILITIES, default: 'USER', since: '7.6' }),
  c('IgnoreUnknown', 'pattern-list', 'UseKeychain', 'Unknown keywords matching these patterns are ignored instead of fatal; applies only to lines after it.', { since: '6.3' }),

  // --- QoS ----------------------------------------------------------------
  c('IPQoS', 'special', 'af21 cs1', 'DSCP (or legacy ToS) marking for interactive and, optionally, non-interactive traffic.', {
    values: IPQOS_VALUES,
    default: IPQOS_DEFAULT,
    defaultHistory: IPQOS_DEFAULT_HISTORY,
    deprecatedValues: IPQOS_DEPRECATED_VALUES,
    since: '5.7',
    notes: ['`none` since 7.6, `le` since 8.2.', 'Since 10.1 the marking switches between the two values with the kinds of channels open.', 'Debian 12 prints "lowdelay throughput" as its default.'],
  }),

  // --- Aliases and deprecated names still in the table -------------------
  c('ChallengeResponseAuthentication', 'yes-no', 'yes', 'Old name of KbdInteractiveAuthentication.', {
    aliasOf: 'KbdInteractiveAuthentication',
    deprecated: { since: '8.7', note: 'Kept as an alias of KbdInteractiveAuthentication.', replacement: 'KbdInteractiveAuthentication' },
  }),
  c('SkeyAuthentication', 'yes-no', 'no', 'Old S/Key name, mapped to KbdInteractiveAuthentication.', {
    aliasOf: 'KbdInteractiveAuthentication',
    deprecated: { note: 'Alias of KbdInteractiveAuthentication.', replacement: 'KbdInteractiveAuthentication' },
  }),
  c('TISAuthentication', 'yes-no', 'no', 'Old TIS name, mapped to KbdInteractiveAuthentication.', {
    aliasOf: 'KbdInteractiveAuthentication',
    deprecated: { note: 'Alias of KbdInteractiveAuthentication.', replacement: 'KbdInteractiveAuthentication' },
  }),
  c('DSAAuthentication', 'yes-no', 'yes', 'Old name mapped to PubkeyAuthentication.', {
    aliasOf: 'PubkeyAuthentication',
    deprecated: { note: 'Alias of PubkeyAuthentication.', replacement: 'PubkeyAuthentication' },
  }),
  c('IdentityFile2', 'path', '~/.ssh/id_ed25519', 'Obsolete synonym of IdentityFile.', {
    multi: true,
    aliasOf: 'IdentityFile',
    deprecated: { note: 'Obsolete alias of IdentityFile.', replacement: 'IdentityFile' },
  }),
  c('KeepAlive', 'yes-no', 'yes', 'Old name of TCPKeepAlive.', {
    aliasOf: 'TCPKeepAlive',
    deprecated: { since: '3.8', note: 'Renamed TCPKeepAlive.', replacement: 'TCPKeepAlive' },
  }),
  c('SmartcardDevice', 'path', 'none', 'Old name of PKCS11Provider.', {
    aliasOf: 'PKCS11Provider',
    requires: 'pkcs11',
    deprecated: { since: '5.4', note: 'Smartcard support was replaced by PKCS#11; the name maps to PKCS11Provider.', replacement: 'PKCS11Provider' },
  }),
  c('PubkeyAcceptedKeyTypes', 'algorithms', 'ssh-ed25519', 'Old name of PubkeyAcceptedAlgorithms.', {
    since: '7.0',
    aliasOf: 'PubkeyAcceptedAlgorithms',
    deprecated: { since: '8.5', note: 'Renamed PubkeyAcceptedAlgorithms (it lists signature algorithms, not key types); kept as an alias.', replacement: 'PubkeyAcceptedAlgorithms' },
  }),
  c('HostbasedKeyTypes', 'algorithms', 'ssh-ed25519', 'Old name of HostbasedAcceptedAlgorithms.', {
    since: '6.8',
    aliasOf: 'HostbasedAcceptedAlgorithms',
    deprecated: { since: '8.5', note: 'Renamed HostbasedAcceptedAlgorithms; kept as an alias.', replacement: 'HostbasedAcceptedAlgorithms' },
  }),

  // --- Removed: still parsed, ignored -------------------------------------
  c('Protocol', 'string', '2', 'Selected SSH protocol 1 or 2; only protocol 2 exists now.', {
    removed: { since: '7.6', note: 'SSH protocol 1 support was removed from ssh; the keyword is silently ignored.', handling: 'ignored' },
  }),
  c('Cipher', 'string', 'blowfish', 'Cipher for SSH protocol 1.', {
    removed: { since: '7.6', note: 'SSH protocol 1 only; ignored with a debug-level "Deprecated option".', handling: 'deprecated', replacement: 'Ciphers' },
  }),
  c('CompressionLevel', 'integer', '6', 'Compression level for SSH protocol 1.', {
    removed: { since: '7.6', note: 'SSH protocol 1 only; ignored with "Unsupported option".', handling: 'unsupported' },
  }),
  c('RSAAuthentication', 'yes-no', 'yes', 'SSH protocol 1 RSA authentication.', {
    removed: { since: '7.6', note: 'SSH protocol 1 only; ignored with "Unsupported option".', handling: 'unsupported', replacement: 'PubkeyAuthentication' },
  }),
  c('RhostsRSAAuthentication', 'yes-no', 'no', 'SSH protocol 1 rhosts-with-RSA authentication.', {
    removed: { since: '7.6', note: 'SSH protocol 1 only; ignored with "Unsupported option".', handling: 'unsupported', replacement: 'HostbasedAuthentication' },
  }),
  c('RhostsAuthentication', 'yes-no', 'no', 'Plain rhosts authentication.', {
    removed: { note: 'Long removed; ignored with a debug-level "Deprecated option".', handling: 'deprecated' },
  }),
  c('UseRoaming', 'yes-no', 'no', 'Experimental connection resumption ("roaming").', {
    since: '5.4',
    removed: {
      since: '7.2',
      note: 'Roaming was disabled in 7.1p2 (CVE-2016-0777) and removed in 7.2; the keyword is ignored with a debug-level "Deprecated option".',
      handling: 'deprecated',
    },
  }),
  c('UsePrivilegedPort', 'yes-no', 'no', 'Use a privileged source port (for rhosts authentication).', {
    removed: { since: '7.8', note: 'ssh no longer runs setuid; ignored with a debug-level "Deprecated option".', handling: 'deprecated' },
  }),
  c('FallBackToRsh', 'yes-no', 'no', 'Fall back to rsh when sshd is not running.', {
    removed: { note: 'rsh fallback is long gone; ignored with a debug-level "Deprecated option".', handling: 'deprecated' },
  }),
  c('UseRsh', 'yes-no', 'no', 'Use rsh instead of ssh.', {
    removed: { note: 'rsh support is long gone; ignored with a debug-level "Deprecated option".', handling: 'deprecated' },
  }),
  c('GlobalKnownHostsFile2', 'path', '/etc/ssh/ssh_known_hosts2', 'Second system known_hosts file.', {
    removed: { note: 'GlobalKnownHostsFile takes several files; ignored with a debug-level "Deprecated option".', handling: 'deprecated', replacement: 'GlobalKnownHostsFile' },
  }),
  c('UserKnownHostsFile2', 'path', '~/.ssh/known_hosts2', 'Second user known_hosts file.', {
    removed: { note: 'UserKnownHostsFile takes several files; ignored with a debug-level "Deprecated option".', handling: 'deprecated', replacement: 'UserKnownHostsFile' },
  }),
  c('KerberosAuthentication', 'yes-no', 'no', 'Kerberos 4/5 authentication of SSH protocol 1.', {
    removed: { note: 'Ignored with "Unsupported option"; Kerberos is used through GSSAPIAuthentication.', handling: 'unsupported', replacement: 'GSSAPIAuthentication' },
  }),
  c('KerberosTgtPassing', 'yes-no', 'no', 'Kerberos ticket forwarding of SSH protocol 1.', {
    removed: { note: 'Ignored with "Unsupported option".', handling: 'unsupported', replacement: 'GSSAPIDelegateCredentials' },
  }),
  c('AFSTokenPassing', 'yes-no', 'no', 'AFS token forwarding of SSH protocol 1.', {
    removed: { note: 'Ignored with "Unsupported option".', handling: 'unsupported' },
  }),

  // --- Vendor builds ------------------------------------------------------
  c('GSSAPIKeyExchange', 'yes-no', 'no', 'Use GSSAPI (Kerberos) key exchange, so no host key is needed.', { vendor: 'gsskex', default: 'no', requires: 'gssapi' }),
  c('GSSAPIClientIdentity', 'string', 'alice@EXAMPLE.COM', 'The GSSAPI principal to authenticate as.', { vendor: 'gsskex', requires: 'gssapi' }),
  c('GSSAPIServerIdentity', 'string', 'host@example.com', 'The GSSAPI identity expected from the server.', { vendor: 'gsskex', requires: 'gssapi' }),
  c('GSSAPIRenewalForcesRekey', 'yes-no', 'no', 'Rekey when the GSSAPI credentials are renewed.', { vendor: 'gsskex', default: 'no', requires: 'gssapi' }),
  c('GSSAPITrustDns', 'yes-no', 'no', 'Trust DNS to canonicalize the host name for GSSAPI.', { vendor: 'gsskex', default: 'no', requires: 'gssapi' }),
  c('GSSAPIKexAlgorithms', 'algorithms', 'gss-group14-sha256-', 'GSSAPI key exchange algorithms to offer.', { vendor: 'gsskex', requires: 'gssapi' }),
  c('ProtocolKeepAlives', 'time', '30', 'Debian\'s old alias of ServerAliveInterval.', {
    vendor: 'debian',
    aliasOf: 'ServerAliveInterval',
    deprecated: { note: 'Debian-only alias of ServerAliveInterval.', replacement: 'ServerAliveInterval' },
  }),
  // Despite its name, Debian maps SetupTimeOut to ServerAliveInterval, not ConnectTimeout (keepalive-extensions.diff; checked with ssh -G on 9.2).
  c('SetupTimeOut', 'time', '10', 'Debian\'s old alias of ServerAliveInterval (not of ConnectTimeout, despite its name).', {
    vendor: 'debian',
    aliasOf: 'ServerAliveInterval',
    deprecated: { note: 'Debian-only alias of ServerAliveInterval (it sets the keepalive interval, not a connect timeout).', replacement: 'ServerAliveInterval' },
  }),
];
