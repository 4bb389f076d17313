/**
 * The settings that name a program or a config file: what a value must look
 * like, where a workspace keeps them, and the messages shown when a workspace
 * that is not trusted would have something run on one of its own files.
 */
import { parse, type ParseError } from 'jsonc-parser';
import * as path from 'node:path';

/** The keys under `sshLifeline.`; package.json lists them in `restrictedConfigurations`. */
export const pathSettingKeys = ['ssh.path', 'sshd.path', 'ssh.configFile'] as const;

export type PathSettingKey = (typeof pathSettingKeys)[number];

/** What a raw setting value amounts to. */
export type PathSettingCheck =
  /** Unset or empty: the built-in default (`ssh` on PATH, sshd as found, ssh's own config file). */
  | { readonly kind: 'default' }
  | { readonly kind: 'ok'; readonly value: string }
  /** Not usable; `problem` says why, for the log. */
  | { readonly kind: 'invalid'; readonly problem: string };

/**
 * Validates one value. Programs need an absolute path: a bare name would be
 * looked up on PATH (or, on Windows, first in the current folder), so it would
 * not name one program. The config file may also start with `~/`. Line breaks
 * and NUL are refused everywhere: no program or file name needs them, and they
 * would break the log line and any command line shown.
 */
export function checkPathSetting(key: PathSettingKey, raw: unknown, home: string): PathSettingCheck {
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
    return { kind: 'default' };
  }
  if (typeof raw !== 'string') {
    return { kind: 'invalid', problem: `expected a path, got ${typeof raw}` };
  }
  if (/[\r\n\0]/.test(raw)) {
    return { kind: 'invalid', problem: 'it contains a line break or NUL' };
  }
  if (key === 'ssh.configFile' && (raw === '~' || raw.startsWith('~/'))) {
    return { kind: 'ok', value: path.join(home, raw.slice(1)) };
  }
  if (!path.isAbsolute(raw)) {
    return {
      kind: 'invalid',
      problem: key === 'ssh.configFile' ? 'expected an absolute path or one starting with ~/' : `expected an absolute path (such as ${key === 'ssh.path' ? '/usr/bin/ssh' : '/usr/sbin/sshd'})`,
    };
  }
  return { kind: 'ok', value: path.normalize(raw) };
}

/** Whether `file` is `dir` or lies below it, by the names alone (resolve symbolic links first where they matter). */
export function isInside(dir: string, file: string): boolean {
  const relative = path.relative(dir, file);
  return relative === '' || (!relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative));
}

/**
 * A setting in a parsed settings file: the dotted key at the top level
 * (`"sshLifeline.ssh.path": …`, how the settings editor writes it) or nested
 * objects (`"sshLifeline": { "ssh": { "path": … } }`, which VS Code also reads).
 */
export function settingInJson(tree: unknown, key: string): unknown {
  if (typeof tree !== 'object' || tree === null) {
    return undefined;
  }
  const record = tree as Record<string, unknown>;
  if (Object.prototype.hasOwnProperty.call(record, key)) {
    return record[key];
  }
  const dot = key.indexOf('.');
  return dot === -1 ? undefined : settingInJson(record[key.slice(0, dot)], key.slice(dot + 1));
}

/**
 * Parses VS Code's settings JSON: JSON with `//` and `/* *\/` comments and
 * trailing commas (jsonc-parser, VS Code's own reader). Undefined when it is
 * not that.
 */
export function parseJsonc(text: string): unknown {
  const errors: ParseError[] = [];
  const tree = parse(text.replace(/^\uFEFF/, ''), errors, { allowTrailingComma: true, disallowComments: false }) as unknown;
  return errors.length === 0 ? tree : undefined;
}

/**
 * What is shown when a workspace that is not trusted would have SSH Lifeline
 * run a program on one of its files: what was refused, and that trusting the
 * workspace allows it. `file` is as the user knows it (workspace-relative).
 */
export const untrustedRefusal = {
  sshG: (file: string): string => `SSH Lifeline: the workspace is not trusted, so it will not run ssh -G on ${file}. Trust the workspace to see effective values.`,
  sshdT: (file: string): string => `SSH Lifeline: the workspace is not trusted, so it will not run sshd -t on ${file}. Trust the workspace to see what sshd says about it.`,
  persistentTerminal: (file: string, host: string): string =>
    `SSH Lifeline: the workspace is not trusted, so it will not start ssh -F ${file} (a config file in the workspace) for a persistent terminal to ${host}. Trust the workspace to use that file.`,
  reconnect: (file: string, alias: string, where: 'workspace' | 'unknown'): string =>
    `SSH Lifeline: the workspace is not trusted, so it will not run ssh -F ${file} (${where === 'workspace' ? 'a config file in the workspace' : 'a relative path, perhaps into the workspace'}) again to reconnect ${alias}. Trust the workspace to reconnect it.`,
} as const;
