import { homedir } from 'node:os';
import { version } from '../../package.json';
import { localOpenSshVersion } from '../node/configFiles';
import { lintUsage, parseLintArgs } from './args';
import { runLint, type CliIo } from './lintCommand';
import { parseSshCommandArgs, runSshCommand, sshUsage } from './sshCommand';
import { parseWatchArgs, runWatch, watchUsage } from './watchCommand';

const usage = `Usage: ssh-lifeline <command> [options]

Commands:
  lint         Check ssh_config / sshd_config files (see: ssh-lifeline lint --help)
  watch        Show a heartbeat for hosts (see: ssh-lifeline watch --help)
  ssh          Run ssh and keep a tmux/screen session attached across drops
               and sleeps (see: ssh-lifeline ssh --help)
  help         Show this help
  version      Print the version

Options:
  -h, --help     Show this help
  -V, --version  Print the version
`;

/** What the CLI needs from its process; `main` gets it injected so tests can run it in-process. */
export type MainIo = Omit<CliIo, 'toolVersion'> & {
  /** Aborted on SIGINT/SIGTERM: long-running commands finish cleanly. */
  readonly stop: AbortSignal;
  /** A folder of ours to run programs in (never the user's current folder: Windows looks there first). */
  readonly programCwd: string;
};

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: readonly string[], io: MainIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '-h' || command === '--help') {
    io.out(usage);
    return command === undefined ? 2 : 0;
  }
  if (command === 'version' || command === '-V' || command === '--version') {
    io.out(`ssh-lifeline ${version}\n`);
    return 0;
  }
  if (command === 'lint') {
    const parsed = parseLintArgs(rest);
    switch (parsed.kind) {
      case 'help':
        io.out(lintUsage);
        return 0;
      case 'error':
        io.err(`ssh-lifeline lint: ${parsed.message}\n\n${lintUsage}`);
        return 2;
      default:
        return runLint(parsed.args, { ...io, toolVersion: version });
    }
  }
  if (command === 'watch') {
    const parsed = parseWatchArgs(rest);
    switch (parsed.kind) {
      case 'help':
        io.out(watchUsage);
        return 0;
      case 'error':
        io.err(`ssh-lifeline watch: ${parsed.message}\n\n${watchUsage}`);
        return 2;
      default:
        return runWatch(parsed.args, io);
    }
  }
  if (command === 'ssh') {
    const parsed = parseSshCommandArgs(rest);
    switch (parsed.kind) {
      case 'help':
        io.out(sshUsage);
        return 0;
      case 'error':
        io.err(`ssh-lifeline ssh: ${parsed.message}\n\n${sshUsage}`);
        return 2;
      default:
        return runSshCommand(parsed.args, io);
    }
  }
  io.err(`ssh-lifeline: unknown command '${command}'\n\n${usage}`);
  return 2;
}

async function readStdin(limit: number): Promise<Uint8Array | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of process.stdin) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    total += b.length;
    if (total > limit) {
      return undefined;
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** Writes everything, then exits: a plain process.exit could cut a piped stdout short. */
function finish(code: number): void {
  process.exitCode = code;
}

/** An AbortSignal fired by SIGINT or SIGTERM; a second signal exits at once. */
function stopOnSignal(): AbortSignal {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return controller.signal;
}

if (require.main === module) {
  // `ssh-lifeline lint | head`: a reader that goes away is not an error of ours.
  let stdoutGone = false;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') {
      throw err;
    }
    stdoutGone = true;
  });
  const io: MainIo = {
    out: (t) => {
      if (!stdoutGone) {
        process.stdout.write(t);
      }
    },
    err: (t) => process.stderr.write(t),
    stdoutIsTTY: process.stdout.isTTY === true,
    env: process.env,
    cwd: process.cwd(),
    home: homedir(),
    readStdin,
    opensshVersion: (side) => localOpenSshVersion(side)?.release,
    stop: stopOnSignal(),
    programCwd: __dirname,
  };
  main(process.argv.slice(2), io).then(finish, (err: unknown) => {
    process.stderr.write(`ssh-lifeline: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    finish(2);
  });
}
