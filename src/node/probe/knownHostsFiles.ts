import { readFile, stat } from 'node:fs/promises';
import { parseKnownHosts, type KnownHostsEntry } from '../../core/knownHosts/knownHosts';

/** A known_hosts file larger than this is not read (and said so in the log). */
const MAX_KNOWN_HOSTS_BYTES = 16 << 20;

/**
 * Reads known_hosts files in order, for looking keys up only: they are never
 * written. Missing or unreadable files count as empty, as they do for ssh;
 * skipped lines are logged with their place.
 */
export async function loadKnownHosts(paths: readonly string[], log: (line: string) => void): Promise<KnownHostsEntry[]> {
  const entries: KnownHostsEntry[] = [];
  for (const path of paths) {
    let text: string;
    try {
      const s = await stat(path);
      if (!s.isFile()) {
        continue;
      }
      if (s.size > MAX_KNOWN_HOSTS_BYTES) {
        log(`known_hosts ${path}: larger than ${MAX_KNOWN_HOSTS_BYTES >> 20} MiB, not read`);
        continue;
      }
      text = await readFile(path, 'utf8');
    } catch (err) {
      // A missing file is normal (ssh treats it as empty, silently); one we
      // cannot read is empty too, which fails closed, but the user should know.
      const code = (err as { code?: unknown }).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        log(`known_hosts ${path}: cannot read it (${typeof code === 'string' ? code : String(err)}), so no host key in it is trusted`);
      }
      continue;
    }
    const parsed = parseKnownHosts(text, path);
    for (const p of parsed.problems) {
      log(`known_hosts ${p.file}:${p.line}: line skipped (${p.reason})`);
    }
    entries.push(...parsed.entries);
  }
  return entries;
}
