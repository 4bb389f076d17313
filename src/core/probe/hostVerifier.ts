/**
 * ssh2 rejects a host key only on a strict `false` from `hostVerifier`: `0`,
 * `null`, `undefined` (and a callback given `undefined`) all accept the key.
 * Every verifier we hand to ssh2 goes through this, so anything but a strict
 * `true` — including a thrown error or a promise — rejects.
 */
export function strictHostVerifier<K>(verify: (key: K) => unknown): (key: K) => boolean {
  return (key: K): boolean => {
    try {
      return verify(key) === true;
    } catch {
      return false;
    }
  };
}
