/**
 * Algorithm names OpenSSH knows, for checking `Ciphers`, `MACs`,
 * `KexAlgorithms` and the key-type lists (`HostKeyAlgorithms`,
 * `PubkeyAcceptedAlgorithms`, `HostbasedAcceptedAlgorithms`,
 * `CASignatureAlgorithms`). Transcribed from OpenSSH 9.2p1 (Debian 12):
 * `ssh -Q cipher`, `ssh -Q mac`, `ssh -Q kex`, `ssh -Q key-sig` and
 * `ssh -Q sig`; test/integration/valueChecksVsOpenssh.test.ts compares them
 * with the installed ssh. Changes after 9.2 that the release notes state are
 * marked with `since` / `removed`; names are compared case-sensitively, as
 * OpenSSH does (strcmp).
 */

/** A name, and the OpenSSH versions that know it. */
export interface AlgorithmName {
  readonly name: string;
  /** First release that knows it, when after 9.2. */
  readonly since?: string;
  /** First release that no longer knows it. */
  readonly removed?: string;
}

const names = (list: string): AlgorithmName[] => list.split(/\s+/).filter((n) => n !== '').map((name) => ({ name }));

/** cipher.c `ciphers[]` without the internal `none`. */
export const CIPHERS: readonly AlgorithmName[] = names(`
  3des-cbc aes128-cbc aes192-cbc aes256-cbc aes128-ctr aes192-ctr aes256-ctr
  aes128-gcm@openssh.com aes256-gcm@openssh.com chacha20-poly1305@openssh.com`);

/** mac.c `macs[]`. */
export const MACS: readonly AlgorithmName[] = names(`
  hmac-sha1 hmac-sha1-96 hmac-sha2-256 hmac-sha2-512 hmac-md5 hmac-md5-96
  umac-64@openssh.com umac-128@openssh.com hmac-sha1-etm@openssh.com hmac-sha1-96-etm@openssh.com
  hmac-sha2-256-etm@openssh.com hmac-sha2-512-etm@openssh.com hmac-md5-etm@openssh.com
  hmac-md5-96-etm@openssh.com umac-64-etm@openssh.com umac-128-etm@openssh.com`);

/** kex.c `kexalgs[]`. */
export const KEX: readonly AlgorithmName[] = [
  ...names(`
  diffie-hellman-group1-sha1 diffie-hellman-group14-sha1 diffie-hellman-group14-sha256
  diffie-hellman-group16-sha512 diffie-hellman-group18-sha512 diffie-hellman-group-exchange-sha1
  diffie-hellman-group-exchange-sha256 ecdh-sha2-nistp256 ecdh-sha2-nistp384 ecdh-sha2-nistp521
  curve25519-sha256 curve25519-sha256@libssh.org sntrup761x25519-sha512 sntrup761x25519-sha512@openssh.com`),
  // OpenSSH 9.9 release notes: hybrid ML-KEM/X25519 key exchange.
  { name: 'mlkem768x25519-sha256', since: '9.9' },
];

/** OpenSSH 10.0 release notes: DSA signature support removed. */
const DSA_REMOVED = '10.0';

/** Signature algorithms without certificates (`ssh -Q sig`): what CASignatureAlgorithms can select. */
export const SIGNATURES: readonly AlgorithmName[] = [
  ...names(`
  ssh-ed25519 sk-ssh-ed25519@openssh.com ecdsa-sha2-nistp256 ecdsa-sha2-nistp384 ecdsa-sha2-nistp521
  sk-ecdsa-sha2-nistp256@openssh.com webauthn-sk-ecdsa-sha2-nistp256@openssh.com`),
  { name: 'ssh-dss', removed: DSA_REMOVED },
  ...names('ssh-rsa rsa-sha2-256 rsa-sha2-512'),
];

/** Key types and signature algorithms with certificates (`ssh -Q key-sig`): sshkey.c `keyimpls[]` names. */
export const KEY_SIGNATURES: readonly AlgorithmName[] = [
  ...names(`
  ssh-ed25519 ssh-ed25519-cert-v01@openssh.com sk-ssh-ed25519@openssh.com sk-ssh-ed25519-cert-v01@openssh.com
  ecdsa-sha2-nistp256 ecdsa-sha2-nistp256-cert-v01@openssh.com ecdsa-sha2-nistp384 ecdsa-sha2-nistp384-cert-v01@openssh.com
  ecdsa-sha2-nistp521 ecdsa-sha2-nistp521-cert-v01@openssh.com sk-ecdsa-sha2-nistp256@openssh.com
  sk-ecdsa-sha2-nistp256-cert-v01@openssh.com webauthn-sk-ecdsa-sha2-nistp256@openssh.com`),
  { name: 'ssh-dss', removed: DSA_REMOVED },
  { name: 'ssh-dss-cert-v01@openssh.com', removed: DSA_REMOVED },
  ...names(`
  ssh-rsa ssh-rsa-cert-v01@openssh.com rsa-sha2-256 rsa-sha2-256-cert-v01@openssh.com
  rsa-sha2-512 rsa-sha2-512-cert-v01@openssh.com`),
];

/**
 * Short names of plain key types, which sshkey.c `sshkey_type_from_name`
 * also takes (case-insensitively) where a key-type list is parsed. They pass
 * the parser but select no algorithm when the list is built.
 */
export const KEY_SHORT_NAMES: readonly AlgorithmName[] = [
  ...names('RSA ECDSA ECDSA-SK ED25519 ED25519-SK'),
  { name: 'DSA', removed: DSA_REMOVED },
];

/**
 * The newest release whose changes to these lists (per its release notes) are
 * recorded above; a name unknown here may be known to a later one.
 */
export const ALGORITHMS_KNOWN_THROUGH = '10.2';
