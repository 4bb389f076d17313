import { access, constants } from 'node:fs/promises';
import * as path from 'node:path';

/**
 * The first executable `program` among `first` and then the absolute PATH
 * entries. Relative PATH entries (`.`, `bin`) are skipped: they would name a
 * program relative to whatever directory we run in.
 */
export async function findProgram(program: string, env: Readonly<Record<string, string | undefined>> = process.env, first: readonly string[] = []): Promise<string | undefined> {
  const candidates = [...first, ...(env['PATH'] ?? '').split(path.delimiter).filter((dir) => path.isAbsolute(dir)).map((dir) => path.join(dir, program))];
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  return undefined;
}
