import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** A rule set that drops every packet to and from the fixture sshd's port on loopback: a black hole, no RST, no ICMP. */
export async function blackhole(port: number, on: boolean): Promise<void> {
  const comment = `lifeline-vscode-${port}`;
  const rules = [
    ['INPUT', '-p', 'tcp', '--dport', String(port)],
    ['INPUT', '-p', 'tcp', '--sport', String(port)],
  ];
  for (const [chain, ...match] of rules) {
    const args = [on ? '-I' : '-D', chain as string, ...match, '-m', 'comment', '--comment', comment, '-j', 'DROP'];
    try {
      await execFileAsync('iptables', ['-w', '5', ...args]);
    } catch (err) {
      if (on) {
        const e = err as NodeJS.ErrnoException & { stderr?: string };
        throw new Error(
          e.code === 'ENOENT'
            ? 'iptables not found: install the Debian package iptables (apt-get install -y iptables); this test needs root'
            : `iptables ${args.join(' ')} failed (this test needs root): ${e.stderr ?? e.message}`,
          { cause: err },
        );
      }
    }
  }
}

