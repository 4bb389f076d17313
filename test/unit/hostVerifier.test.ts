import { strict as assert } from 'node:assert';
import { strictHostVerifier } from '../../src/core/probe/hostVerifier';

describe('strictHostVerifier', () => {
  const key = Buffer.from('host key blob');

  it('[F9] rejects every answer but a strict true: 0, null, undefined, 1, "true", objects, promises, a throw', () => {
    const answers: unknown[] = [0, null, undefined, 1, 'true', 'yes', {}, [], Promise.resolve(true), Number.NaN, false];
    for (const answer of answers) {
      assert.equal(strictHostVerifier(() => answer)(key), false, `answer ${String(answer)}`);
    }
    assert.equal(
      strictHostVerifier(() => {
        throw new Error('known_hosts parser blew up');
      })(key),
      false,
    );
  });

  it('[F9] passes a strict true, and hands the key through unchanged', () => {
    let seen: Buffer | undefined;
    assert.equal(
      strictHostVerifier((k: Buffer) => {
        seen = k;
        return true;
      })(key),
      true,
    );
    assert.equal(seen, key);
  });
});
