import type { Side } from '../core/sshConfig/keywords';

export type OutputFormat = 'text' | 'json' | 'sarif';

export interface LintArgs {
  /** Forced side; undefined means detect it per file from the name. */
  readonly type: Side | undefined;
  readonly format: OutputFormat;
  readonly fix: boolean;
  /** Skip `ssh -V` / `sshd -V` and use this release for the version-aware rules. */
  readonly opensshVersion: string | undefined;
  /** Files as given; `-` is standard input. Empty means `~/.ssh/config`. */
  readonly files: readonly string[];
}

export type ParsedLintArgs = { readonly kind: 'run'; readonly args: LintArgs } | { readonly kind: 'help' } | { readonly kind: 'error'; readonly message: string };

export const lintUsage = `Usage: ssh-lifeline lint [options] [FILE...]

Checks ssh_config and sshd_config files. FILE defaults to ~/.ssh/config;
"-" reads standard input.

Options:
  --type client|server        Which kind of file (default: sshd_config and
                              files in sshd_config.d are server files, the
                              rest client files)
  --format text|json|sarif    Output format (default: text)
  --fix                       Apply the preferred fix of every finding that
                              has one, write the file safely (a backup is kept
                              as .<name>.lifeline-bak), then lint again
  --openssh-version X.Y       Assume this OpenSSH release instead of asking
                              the local ssh -V / sshd -V
  -h, --help                  Show this help

Exit status: 0 no errors, 1 at least one error finding, 2 usage or I/O error.
Lines and columns are 1-based; columns count UTF-16 code units.
`;

const formats: readonly OutputFormat[] = ['text', 'json', 'sarif'];
const sides: readonly Side[] = ['client', 'server'];

/** Parses the arguments after `lint`. Pure: no defaults from the machine are filled in here. */
export function parseLintArgs(argv: readonly string[]): ParsedLintArgs {
  let type: Side | undefined;
  let format: OutputFormat | undefined;
  let fix = false;
  let opensshVersion: string | undefined;
  const files: string[] = [];
  const error = (message: string): ParsedLintArgs => ({ kind: 'error', message });

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      files.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h' || arg === '--help') {
      return { kind: 'help' };
    }
    if (arg === '-' || !arg.startsWith('-')) {
      files.push(arg);
      continue;
    }
    if (arg === '--fix') {
      fix = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    if (name !== '--type' && name !== '--format' && name !== '--openssh-version') {
      return error(`unknown option '${arg}'`);
    }
    let value: string | undefined;
    if (eq !== -1) {
      value = arg.slice(eq + 1);
    } else {
      value = argv[i + 1];
      if (value === undefined || (value.startsWith('-') && value !== '-')) {
        return error(`option '${name}' needs a value`);
      }
      i++;
    }
    switch (name) {
      case '--type':
        if (!(sides as readonly string[]).includes(value)) {
          return error(`--type must be client or server, not '${value}'`);
        }
        if (type !== undefined && type !== value) {
          return error('--type given twice with different values');
        }
        type = value as Side;
        break;
      case '--format':
        if (!(formats as readonly string[]).includes(value)) {
          return error(`--format must be text, json or sarif, not '${value}'`);
        }
        if (format !== undefined && format !== value) {
          return error('--format given twice with different values');
        }
        format = value as OutputFormat;
        break;
      default:
        if (!/^\d+\.\d+(p\d+)?$/.test(value)) {
          return error(`--openssh-version takes a release such as 9.2, not '${value}'`);
        }
        opensshVersion = value;
    }
  }
  const stdin = files.filter((f) => f === '-').length;
  if (stdin > 1) {
    return error("standard input ('-') can be given only once");
  }
  if (stdin === 1 && fix) {
    return error("--fix cannot be used with standard input ('-'): there is no file to write");
  }
  if (files.some((f) => f === '')) {
    return error('an empty file name was given');
  }
  return { kind: 'run', args: { type, format: format ?? 'text', fix, opensshVersion, files } };
}
