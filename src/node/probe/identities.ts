/**
 * The keys a probe may authenticate with, like `ssh -o BatchMode=yes`: the
 * agent's keys, then identity files that need no passphrase. Nothing here ever
 * prompts, and no key material or agent content is logged.
 */
import { readFile, stat } from 'node:fs/promises';
import { BaseAgent, OpenSSHAgent, utils, type IdentityCallback, type ParsedKey, type SignCallback, type SigningRequestOptions } from 'ssh2';

/** Key files are small; anything larger is not a key and is not read whole. */
const MAX_KEY_FILE_BYTES = 1 << 20;

export interface IdentityFileKey {
  readonly path: string;
  readonly key: ParsedKey;
}

/** What {@link loadIdentityFiles} found, for the log and for IdentitiesOnly. */
export interface IdentityFiles {
  /** Usable private keys, in config order. */
  readonly keys: readonly IdentityFileKey[];
  /** Public key blobs of every configured identity (from the key or its `.pub`), for IdentitiesOnly. */
  readonly publicBlobs: readonly Buffer[];
}

async function readSmall(path: string): Promise<Buffer | undefined> {
  try {
    const s = await stat(path);
    if (!s.isFile() || s.size > MAX_KEY_FILE_BYTES) {
      return undefined;
    }
    return await readFile(path);
  } catch {
    return undefined;
  }
}

function first(parsed: ParsedKey | ParsedKey[] | Error): ParsedKey | Error {
  return Array.isArray(parsed) ? (parsed[0] ?? new Error('no key in file')) : parsed;
}

/**
 * Reads the identity files that exist. A passphrase-protected key is skipped
 * without a word to the user (its `.pub`, when present, still lets an agent
 * copy of it count for IdentitiesOnly), as BatchMode does.
 */
export async function loadIdentityFiles(paths: readonly string[], log: (line: string) => void): Promise<IdentityFiles> {
  const keys: IdentityFileKey[] = [];
  const publicBlobs: Buffer[] = [];
  for (const path of paths) {
    const data = await readSmall(path);
    if (data === undefined) {
      continue;
    }
    const parsed = first(utils.parseKey(data) as ParsedKey | ParsedKey[] | Error);
    if (parsed instanceof Error || !parsed.isPrivateKey()) {
      const encrypted = parsed instanceof Error && /passphrase/i.test(parsed.message);
      log(encrypted ? `identity ${path}: passphrase-protected, not used (BatchMode)` : `identity ${path}: not a private key ssh2 can use, skipped`);
      const pub = await readSmall(`${path}.pub`);
      const pubKey = pub === undefined ? undefined : first(utils.parseKey(pub) as ParsedKey | ParsedKey[] | Error);
      if (pubKey !== undefined && !(pubKey instanceof Error)) {
        publicBlobs.push(pubKey.getPublicSSH());
      }
      continue;
    }
    keys.push({ path, key: parsed });
    publicBlobs.push(parsed.getPublicSSH());
  }
  return { keys, publicBlobs };
}

/**
 * An agent whose key list is read once (with a time limit) and optionally
 * narrowed to the configured identities (IdentitiesOnly); signing goes to the
 * real agent.
 */
export class ProbeAgent extends BaseAgent<ParsedKey> {
  private constructor(
    private readonly inner: OpenSSHAgent,
    private readonly keys: readonly ParsedKey[],
  ) {
    super();
  }

  /** The public blobs the agent offers (to skip identity files it already holds). */
  get publicBlobs(): Buffer[] {
    return this.keys.map((k) => k.getPublicSSH());
  }

  get size(): number {
    return this.keys.length;
  }

  /**
   * Connects to the agent at `socketPath` and lists its keys; undefined when
   * the agent cannot be reached or answers too slowly (then it is not used).
   */
  static async open(socketPath: string, options: { readonly only?: readonly Buffer[]; readonly timeoutMs: number }): Promise<ProbeAgent | undefined> {
    const inner = new OpenSSHAgent(socketPath);
    const keys = await new Promise<ParsedKey[] | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), options.timeoutMs);
      inner.getIdentities((err, list) => {
        clearTimeout(timer);
        // OpenSSHAgent hands out parsed keys; anything else is not offered.
        resolve(err || list === undefined ? undefined : list.filter((k): k is ParsedKey => typeof (k as Partial<ParsedKey>).getPublicSSH === 'function'));
      });
    });
    if (keys === undefined) {
      return undefined;
    }
    const only = options.only;
    const allowed = only === undefined ? keys : keys.filter((k) => only.some((blob) => blob.equals(k.getPublicSSH())));
    return new ProbeAgent(inner, allowed);
  }

  override getIdentities(cb: IdentityCallback<ParsedKey>): void {
    cb(undefined, [...this.keys]);
  }

  override sign(pubKey: ParsedKey, data: Buffer, options: SigningRequestOptions | SignCallback, cb?: SignCallback): void {
    if (typeof options === 'function') {
      this.inner.sign(pubKey, data, options);
    } else {
      this.inner.sign(pubKey, data, options, cb);
    }
  }
}
