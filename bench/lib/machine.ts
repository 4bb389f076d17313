/** What the figures were measured on, stored with every result. */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem, type as osType } from 'node:os';

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly loadAverage1m: number;
  readonly node: string;
  /** `ssh -V` as printed (OpenSSH writes it to stderr). */
  readonly openssh: string | undefined;
  /** The release number alone, e.g. "9.2". */
  readonly opensshRelease: string | undefined;
  /** `git describe --always --dirty` of the checkout measured. */
  readonly git: string | undefined;
}

function firstLine(command: string, args: readonly string[], cwd: string): string | undefined {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (r.error !== undefined || r.status !== 0) {
    return undefined;
  }
  const line = `${r.stdout}${r.stderr}`.trim().split('\n')[0];
  return line === undefined || line === '' ? undefined : line;
}

export function opensshRelease(versionLine: string | undefined): string | undefined {
  return versionLine === undefined ? undefined : /OpenSSH_(\d+\.\d+)/.exec(versionLine)?.[1];
}

export function machineInfo(root: string): MachineInfo {
  const cpu = cpus();
  const openssh = firstLine('ssh', ['-V'], root);
  return {
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: `${osType()} ${release()}`,
    loadAverage1m: loadavg()[0] ?? Number.NaN,
    node: process.version,
    openssh,
    opensshRelease: opensshRelease(openssh),
    git: firstLine('git', ['describe', '--always', '--dirty'], root),
  };
}
