import { readProcessTable, type ProcessInfo } from './processTable';

/** How an attempt to end a process went. */
export type EndProcessResult =
  /** It ended (after SIGTERM, or SIGKILL when TERM was ignored). */
  | 'ended'
  /** It was already gone. */
  | 'gone'
  /** The pid now belongs to another process (its start time differs): nothing was sent. */
  | 'reused'
  /** Still running after SIGKILL (a process stuck in the kernel). */
  | 'stuck';

export interface EndProcessOptions {
  /** The start time the pid had when it was seen (from a `pid@start` session id); a different one means the pid was reused. */
  readonly startTime?: number;
  /** How long SIGTERM gets before SIGKILL (default 2 s). */
  readonly graceMs?: number;
  readonly readProcesses?: () => Promise<ProcessInfo[]>;
}

const pollMs = 50;

/**
 * Ends one local process politely: SIGTERM, then SIGKILL after a grace
 * period. Before each signal the pid's start time is compared with the one
 * it had when it was seen, so a pid reused by an unrelated process is never
 * signalled. Used for a stale ssh: the remote tmux/screen session is not
 * touched (the server sees a closed connection).
 */
export async function endProcess(pid: number, options: EndProcessOptions = {}): Promise<EndProcessResult> {
  const read = options.readProcesses ?? (() => readProcessTable());
  const state = async (): Promise<'same' | 'gone' | 'reused'> => {
    const p = (await read()).find((x) => x.pid === pid);
    if (p === undefined || p.argv.length === 0) {
      return 'gone'; // a zombie has no argv: it has ended, its parent has not reaped it yet
    }
    return options.startTime === undefined || p.startTime === undefined || p.startTime === options.startTime ? 'same' : 'reused';
  };
  const first = await state();
  if (first !== 'same') {
    return first;
  }
  const signal = (sig: NodeJS.Signals): boolean => {
    try {
      process.kill(pid, sig);
      return true;
    } catch {
      return false;
    }
  };
  const waitGone = async (ms: number): Promise<boolean> => {
    const deadline = Date.now() + ms;
    for (;;) {
      if ((await state()) !== 'same') {
        return true;
      }
      if (Date.now() >= deadline) {
        return false;
      }
      await new Promise((r) => setTimeout(r, pollMs));
    }
  };
  if (!signal('SIGTERM') || (await waitGone(options.graceMs ?? 2000))) {
    return 'ended';
  }
  if ((await state()) !== 'same') {
    return 'ended';
  }
  signal('SIGKILL');
  return (await waitGone(1000)) ? 'ended' : 'stuck';
}

/** The pid and start time in a session id `<pid>@<start time>`. */
export function pidOfSessionId(id: string): { readonly pid: number; readonly startTime: number | undefined } | undefined {
  const m = /^(\d+)(?:@(\d+))?$/.exec(id);
  return m === null ? undefined : { pid: Number(m[1]), startTime: m[2] === undefined ? undefined : Number(m[2]) };
}
