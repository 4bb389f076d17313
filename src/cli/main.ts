import { version } from '../../package.json';

const usage = `Usage: ssh-lifeline <command> [options]

Commands:
  help         Show this help
  version      Print the version

Options:
  -h, --help     Show this help
  -V, --version  Print the version
`;

/** Runs the CLI; returns the process exit code. */
export function main(argv: readonly string[], out: (text: string) => void, err: (text: string) => void): number {
  const [command] = argv;
  if (command === undefined || command === 'help' || command === '-h' || command === '--help') {
    out(usage);
    return command === undefined ? 2 : 0;
  }
  if (command === 'version' || command === '-V' || command === '--version') {
    out(`ssh-lifeline ${version}\n`);
    return 0;
  }
  err(`ssh-lifeline: unknown command '${command}'\n\n${usage}`);
  return 2;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), (t) => process.stdout.write(t), (t) => process.stderr.write(t));
}
