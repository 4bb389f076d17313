/**
 * `npm start`: a throwaway sandbox to try SSH Lifeline in.
 *
 * - a real sshd on 127.0.0.1 with its own keys, reachable as `lifeline-sandbox`
 *   through a sandbox ssh config (your own ~/.ssh is never read or written);
 * - tmux sessions started through it live in the sandbox's own tmux directory
 *   (sshd's SetEnv TMUX_TMPDIR), never in your tmux server;
 * - the VS Code server with the extension under development loaded and a
 *   sandbox workspace holding sample configs full of classic mistakes.
 *
 * Ctrl-C stops everything and removes the sandbox.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startSshd, type SshdFixture } from '../test/fixtures/sshd';
import { installVscodeServer, repoRoot, startVscodeServer, workbenchUrl, type VscodeServer } from './vscodeServer';

const execFileAsync = promisify(execFile);
const alias = 'lifeline-sandbox';

async function main(): Promise<void> {
  const port = process.env['PORT'] === undefined ? 3210 : Number(process.env['PORT']);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error(`PORT must be a TCP port number, not '${process.env['PORT']}'`);
  }
  const vscodeDir = await installVscodeServer();
  const sandbox = await mkdtemp(join(tmpdir(), 'ssh-lifeline-playground-'));
  const tmuxDir = join(sandbox, 'tmux');
  const workspace = join(sandbox, 'workspace');
  let sshd: SshdFixture | undefined;
  let server: VscodeServer | undefined;
  let stopping = false;

  const stop = async (code: number): Promise<void> => {
    if (stopping) {
      return;
    }
    stopping = true;
    process.stdout.write('\nStopping the playground…\n');
    await server?.stop().catch(() => undefined);
    // Ends the sandbox's tmux server (and its sessions) only: it has its own TMUX_TMPDIR.
    await execFileAsync('tmux', ['kill-server'], { env: { ...process.env, TMUX_TMPDIR: tmuxDir } }).catch(() => undefined);
    await sshd?.stop().catch(() => undefined);
    await rm(sandbox, { recursive: true, force: true });
    process.stdout.write('Sandbox removed.\n');
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    await mkdir(tmuxDir, { mode: 0o700 });
    sshd = await startSshd({ sshdOptions: { SetEnv: `TMUX_TMPDIR=${tmuxDir}` } });
    await mkdir(join(workspace, '.ssh'), { recursive: true });
    await cp(join(repoRoot, 'playground', 'ssh_config'), join(workspace, '.ssh', 'config'));
    await cp(join(repoRoot, 'playground', 'sshd_config'), join(workspace, 'sshd_config'));
    const sandboxConfig = join(workspace, 'sandbox_ssh_config');
    await writeFile(
      sandboxConfig,
      [
        `# The playground's own host: a real sshd on 127.0.0.1:${sshd.port} with a throwaway key.`,
        `Host ${alias}`,
        `    HostName ${sshd.address}`,
        `    Port ${sshd.port}`,
        `    User ${sshd.user}`,
        `    IdentityFile ${sshd.identityPath}`,
        '    IdentitiesOnly yes',
        `    UserKnownHostsFile ${sshd.knownHostsPath}`,
        '    StrictHostKeyChecking yes',
        '    ServerAliveInterval 15',
        '    ServerAliveCountMax 3',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    const sshCommand = `ssh -F sandbox_ssh_config ${alias}`;
    await writeFile(
      join(workspace, 'README.md'),
      [
        '# SSH Lifeline playground',
        '',
        '- `.ssh/config` and `sshd_config` are sample files with classic mistakes.',
        `- Open a terminal and run \`${sshCommand}\` to reach the sandbox host,`,
        `  or \`${sshCommand} -t tmux new-session -A -s main\` for a tmux session there.`,
        '- Everything here is removed when the playground stops.',
        '',
      ].join('\n'),
    );
    server = await startVscodeServer({
      vscodeDir,
      port,
      serverDataDir: join(sandbox, 'server-data'),
      userDataDir: join(sandbox, 'user-data'),
      extensionsDir: join(sandbox, 'extensions'),
    });
    const url = workbenchUrl({ baseUrl: server.baseUrl, folder: workspace, extensionDevelopmentPath: repoRoot });
    process.stdout.write(
      [
        '',
        'SSH Lifeline playground is running.',
        '',
        `  Open in a browser:  ${url}`,
        `  Sandbox host:       ${alias} (sshd on ${sshd.address}:${sshd.port}), in a terminal there: ${sshCommand}`,
        `  Sandbox folder:     ${sandbox}`,
        '',
        'Press Ctrl-C to stop everything and remove the sandbox.',
        '',
      ].join('\n'),
    );
  } catch (err) {
    process.stderr.write(`playground: ${err instanceof Error ? err.message : String(err)}\n`);
    await stop(1);
  }
}

void main();
