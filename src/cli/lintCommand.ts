/**
 * `ssh-lifeline lint`: read the files, feed the core's lint with what the
 * machine knows (OpenSSH version, permissions, Include targets), optionally
 * fix and write safely, print. The decisions live in the core and in the pure
 * modules next to this one; this file only wires them to the file system.
 */
import { resolve } from 'node:path';
import type { Finding } from '../core/sshConfig/findings';
import type { Side } from '../core/sshConfig/keywords';
import { lint, type LintOptions } from '../core/sshConfig/lint';
import { ReadError, WriteError, writeAtomic } from '../node/atomicWrite';
import { decodeConfig, detectSide, filesCheckedBySsh, includeContextFor, MAX_CONFIG_BYTES, readConfigFile, setFileMode, type ConfigFile } from '../node/configFiles';
import type { LintArgs } from './args';
import { fixLoop } from '../core/sshConfig/fixAll';
import { looksLikeOtherSide } from './sideCheck';
import { exitCodeFor, printable, toJson, toSarif, toText, type FileResult } from './output';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  readonly stdoutIsTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly home: string;
  /** All of standard input, or undefined when it is larger than `limit` bytes. */
  readStdin(limit: number): Promise<Uint8Array | undefined>;
  /** The local OpenSSH release for a side (`ssh -V` / `sshd -V`), undefined when unknown. */
  opensshVersion(side: Side): string | undefined;
  /** Application version for SARIF. */
  readonly toolVersion: string;
}

interface Input {
  readonly display: string;
  readonly path: string | undefined;
  readonly side: Side;
  /** The side is a guess: neither --type nor the file's name decided it. */
  readonly sideGuessed: boolean;
  text: string;
  config: ConfigFile | undefined;
}

/** Colour only for a terminal, and never when NO_COLOR is set to anything non-empty (no-color.org). */
export function useColor(stdoutIsTTY: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  return stdoutIsTTY && (env['NO_COLOR'] ?? '') === '' && env['TERM'] !== 'dumb';
}

function readFailure(err: unknown): string {
  return err instanceof ReadError || err instanceof WriteError ? err.message : `${String(err)}`;
}

export async function runLint(args: LintArgs, io: CliIo): Promise<number> {
  let failed = false;
  const fail = (message: string): void => {
    failed = true;
    io.err(`ssh-lifeline: ${printable(message)}\n`);
  };
  const names = args.files.length > 0 ? args.files : [resolve(io.home, '.ssh', 'config')];
  const inputs: Input[] = [];
  for (const name of names) {
    if (name === '-') {
      const bytes = await io.readStdin(MAX_CONFIG_BYTES);
      if (bytes === undefined) {
        fail(`standard input is over ${MAX_CONFIG_BYTES} bytes`);
        continue;
      }
      inputs.push({ display: '<stdin>', path: undefined, side: args.type ?? 'client', sideGuessed: args.type === undefined, text: decodeConfig(bytes).text, config: undefined });
      continue;
    }
    try {
      const path = resolve(io.cwd, name);
      const config = await readConfigFile(path);
      const detected = detectSide(path);
      inputs.push({
        display: name,
        path,
        side: args.type ?? detected.side,
        sideGuessed: args.type === undefined && !detected.detectedByName,
        text: config.text,
        config,
      });
    } catch (err) {
      fail(`cannot read ${readFailure(err)}`);
    }
  }

  const versions = new Map<Side, string | undefined>();
  const versionFor = (side: Side): string | undefined => {
    if (!versions.has(side)) {
      versions.set(side, args.opensshVersion ?? io.opensshVersion(side));
    }
    return versions.get(side);
  };
  let checked: Set<string> | undefined;
  const environment = { home: io.home, env: io.env };
  const optionsFor = (input: Input): LintOptions => {
    const version = versionFor(input.side);
    const options: LintOptions = { side: input.side, ...(version === undefined ? {} : { opensshVersion: version }) };
    if (input.path === undefined || input.config === undefined) {
      return options;
    }
    checked ??= filesCheckedBySsh(environment);
    return {
      ...options,
      ...(input.side === 'client' ? { permissions: { mode: input.config.snapshot.mode, checkedBySsh: checked.has(input.config.snapshot.realPath) } } : {}),
      includes: includeContextFor(input.path, environment),
    };
  };

  if (args.fix && !failed) {
    // Messages about what changed go to stderr when stdout carries JSON or SARIF.
    const say = args.format === 'text' ? io.out : io.err;
    for (const input of inputs) {
      if (input.config === undefined || input.path === undefined) {
        continue;
      }
      if (input.sideGuessed && looksLikeOtherSide(input.text, input.side)) {
        const other = input.side === 'client' ? 'server' : 'client';
        fail(`not fixed: ${input.display} was taken for a ${input.side} file, but it reads like a ${other} file (${other === 'server' ? 'sshd_config' : 'ssh_config'}); say which with --type ${other} or --type ${input.side}`);
        continue;
      }
      const outcome = await fixFile(input, optionsFor(input), say);
      if (outcome.error !== undefined) {
        fail(outcome.error);
      }
    }
  }

  const results: FileResult[] = inputs.map((input) => ({ display: input.display, path: input.path, findings: lint(input.text, optionsFor(input)) }));
  switch (args.format) {
    case 'json':
      io.out(`${JSON.stringify(toJson(results), null, 2)}\n`);
      break;
    case 'sarif':
      io.out(`${JSON.stringify(toSarif(results, { cwd: io.cwd, toolVersion: io.toolVersion, executionSuccessful: !failed }), null, 2)}\n`);
      break;
    default:
      io.out(toText(results, { color: useColor(io.stdoutIsTTY, io.env) }));
  }
  return exitCodeFor(results, failed);
}

/** Fixes one file in place (text fixes, then chmod); updates `input` to what is on disk afterwards. */
async function fixFile(input: Input, options: LintOptions, say: (text: string) => void): Promise<{ error?: string }> {
  const config = input.config as ConfigFile;
  const where = (f: { range: Finding['range'] }): string => `${printable(input.display)}:${f.range.start.line + 1}:${f.range.start.character + 1}`;
  const result = fixLoop(input.text, (text) => lint(text, options));
  let error: string | undefined;
  if (result.stopped === 'would-add-errors') {
    say(`${printable(input.display)}: some fixes were not applied because together they would add an error; fix the rest by hand.\n`);
  } else if (result.stopped === 'limit') {
    say(`${printable(input.display)}: stopped after 10 passes of fixes; lint again to see what is left.\n`);
  }
  if (result.text !== input.text) {
    if (!config.utf8) {
      say(`${printable(input.display)}: not rewritten: the file is not valid UTF-8, and rewriting it would change bytes outside the fixes.\n`);
    } else {
      try {
        const written = await writeAtomic(config.snapshot, result.text);
        for (const a of result.applied) {
          say(`${where(a)}: fixed ${a.code}: ${a.title}\n`);
        }
        say(`${printable(input.display)}: written${written.backupPath === undefined ? '' : ` (the previous version is in ${printable(written.backupPath)})`}.\n`);
      } catch (err) {
        if (!(err instanceof WriteError)) {
          throw err;
        }
        error = `not fixed: ${err.message}`;
      }
    }
  }
  // chmod fixes act on the real file, after the text is written (the write keeps the old mode).
  if (error === undefined && options.side === 'client') {
    for (const f of lint(result.text, options)) {
      const chmod = f.fixes.find((x) => x.kind === 'chmod' && x.preferred);
      if (chmod?.kind !== 'chmod') {
        continue;
      }
      try {
        const after = await setFileMode(config.snapshot.realPath, chmod.mode);
        say(`${where(f)}: fixed ${f.code}: ${chmod.title} (mode now ${(after & 0o777).toString(8).padStart(3, '0')})\n`);
      } catch (err) {
        error = `cannot chmod ${input.display}: ${err instanceof Error ? err.message : String(err)}`;
      }
    }
  }
  try {
    const fresh = await readConfigFile(input.path as string);
    input.config = fresh;
    input.text = fresh.text;
  } catch (err) {
    error ??= `cannot read ${readFailure(err)} after fixing it`;
  }
  return error === undefined ? {} : { error };
}
