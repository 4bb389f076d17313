/**
 * Whether to reconnect a session, and how, when something suggests it may
 * have been lost: a wake from sleep, its host coming back up, its ssh
 * exiting, or the person asking.
 */
import type { SshEndReason } from '../session/failure';

/** What prompted the decision. `user`: the person asked (Reconnect command). */
export type ReattachTrigger = 'wake' | 'host-up' | 'ssh-exit' | 'user';

/** The reattach setting: act, ask first, or do nothing unasked. */
export type ReattachMode = 'auto' | 'ask' | 'off';

/** What is known about one session when the decision is taken. */
export interface SessionFacts {
  /** Its ssh process is still running. */
  readonly alive: boolean;
  /** The heartbeat's verdict for its host. */
  readonly health: 'up' | 'degraded' | 'down' | 'unknown' | 'untrusted-host-key' | 'not-probed';
  /** The kernel socket probe of the session's own ssh. */
  readonly socket: 'healthy' | 'stalled' | 'unknown';
  readonly exitCode: number | undefined;
  readonly endReason: SshEndReason | undefined;
  /** A tmux/screen session to reattach is known (named on the command line or by us) or may be discovered. */
  readonly reattachable: boolean;
}

/**
 * What to do with the session:
 * - `leave`: nothing;
 * - `verify`: look closer first (probe the socket, wait for the heartbeat), then decide again;
 * - `reconnect`: relaunch now (`kill`: end the still-running ssh first);
 * - `offer`: ask the person whether to reconnect (`kill` as for reconnect);
 * - `refuse`: do not reconnect, and say why (a retry cannot help and may do harm).
 */
export type ReattachDecision =
  | { readonly action: 'leave'; readonly why: string }
  | { readonly action: 'verify'; readonly why: string }
  | { readonly action: 'reconnect'; readonly kill: boolean; readonly why: string }
  | { readonly action: 'offer'; readonly kill: boolean; readonly why: string }
  | { readonly action: 'refuse'; readonly reason: 'auth' | 'host-key'; readonly why: string };

/** Ends that mean the connection broke under a running session. */
const BROKEN: ReadonlySet<SshEndReason> = new Set(['broken-pipe', 'timeout', 'closed-by-remote', 'connection-reset']);
/** A shell's exit status for a process killed by a signal (128 + N): HUP, KILL, TERM. SIGINT (130) is the user's own Ctrl-C. */
const KILLED_BY: ReadonlyMap<number, string> = new Map([
  [129, 'SIGHUP'],
  [137, 'SIGKILL'],
  [143, 'SIGTERM'],
]);
/** Ends that mean the host could not be reached at all: the caller waits for it before relaunching. */
const UNREACHABLE: ReadonlySet<SshEndReason> = new Set(['connection-refused', 'host-unreachable', 'no-route', 'connect-timeout', 'name-not-resolved']);

/**
 * The decision table. Rows are tried top to bottom; the first that matches
 * gives the base decision, then the two adjustments below apply.
 *
 * | # | condition                                                        | wake / host-up / ssh-exit   | user                        |
 * |---|------------------------------------------------------------------|-----------------------------|-----------------------------|
 * | 1 | mode `off`                                                       | leave                       | (rows below)                |
 * | 2 | endReason `permission-denied`                                    | refuse auth                 | refuse auth                 |
 * | 3 | endReason `host-key-changed`, or health `untrusted-host-key`     | refuse host-key             | refuse host-key             |
 * | 4 | endReason `host-key-unknown`                                     | refuse host-key             | reconnect (ssh asks in the new terminal; kill if alive) |
 * | 5 | alive, socket `stalled` or health `down`                         | reconnect, kill             | reconnect, kill             |
 * | 6 | alive, socket `healthy` or health `up`/`degraded`                | leave (TCP survived)        | offer, kill                 |
 * | 7 | alive, no evidence either way                                    | verify                      | offer, kill                 |
 * | 8 | ended, exit 0 or endReason `closed` (a logout)                   | leave                       | reconnect                   |
 * | 9 | ended, exit 255 or broken-pipe/timeout/closed-by-remote/reset    | reconnect                   | reconnect                   |
 * |9b | ended by SIGHUP/SIGKILL/SIGTERM (exit 129, 137, 143)             | reconnect                   | reconnect                   |
 * |10 | ended, refused/unreachable/no-route/connect-timeout/unresolved   | reconnect (caller waits for the host) | reconnect         |
 * |11 | ended, exit code and reason both unknown                         | offer                       | reconnect                   |
 * |12 | ended, any other exit code (1, 130 = Ctrl-C, …)                  | leave                       | reconnect                   |
 *
 * Adjustments: a `reconnect` of a session with `reattachable: false` becomes
 * `offer` unless the trigger is `user` (a plain shell is not reopened
 * unasked); mode `ask` turns every `reconnect` into `offer`.
 *
 * A wake alone is never a reason to kill: a blocked event loop looks like a
 * wake (FACTS "Clocks and sleep"), so an alive session without evidence is
 * verified, not killed.
 */
export function decideReattach(trigger: ReattachTrigger, facts: SessionFacts, mode: ReattachMode): ReattachDecision {
  const user = trigger === 'user';
  if (mode === 'off' && !user) {
    return { action: 'leave', why: 'reattach is off' };
  }
  const base = baseDecision(user, facts);
  if (base.action !== 'reconnect') {
    return base;
  }
  if (!facts.reattachable && !user) {
    return { action: 'offer', kill: base.kill, why: `${base.why}; no tmux/screen session to reattach, so a plain shell is not reopened unasked` };
  }
  if (mode === 'ask') {
    return { action: 'offer', kill: base.kill, why: base.why };
  }
  return base;
}

function baseDecision(user: boolean, f: SessionFacts): ReattachDecision {
  if (f.endReason === 'permission-denied') {
    return { action: 'refuse', reason: 'auth', why: 'authentication failed: retrying would only add failed logins' };
  }
  if (f.endReason === 'host-key-changed' || f.health === 'untrusted-host-key') {
    return { action: 'refuse', reason: 'host-key', why: 'the host key changed or is not trusted: check it before connecting again' };
  }
  if (f.endReason === 'host-key-unknown') {
    return user
      ? { action: 'reconnect', kill: f.alive, why: 'the host key is not known yet: ssh will ask about it in the new terminal' }
      : { action: 'refuse', reason: 'host-key', why: 'the host key is not known: not connecting unasked' };
  }
  if (f.alive) {
    if (f.socket === 'stalled' || f.health === 'down') {
      return { action: 'reconnect', kill: true, why: f.socket === 'stalled' ? 'alive but its connection is stalled' : 'alive but its host is down' };
    }
    if (f.socket === 'healthy' || f.health === 'up' || f.health === 'degraded') {
      return user ? { action: 'offer', kill: true, why: 'healthy; reconnect anyway?' } : { action: 'leave', why: 'alive and healthy: TCP survived' };
    }
    return user
      ? { action: 'offer', kill: true, why: 'still running and nothing shows whether its connection works; reconnect anyway?' }
      : { action: 'verify', why: 'still running; its connection has not been checked yet' };
  }
  if (f.exitCode === 0 || f.endReason === 'closed') {
    return user ? { action: 'reconnect', kill: false, why: 'ended normally; reconnecting as asked' } : { action: 'leave', why: 'ended normally (a logout)' };
  }
  if (f.exitCode === 255 || (f.endReason !== undefined && BROKEN.has(f.endReason))) {
    return { action: 'reconnect', kill: false, why: f.endReason === undefined ? 'ssh exited with 255: the connection failed' : `the connection broke (${f.endReason})` };
  }
  if (f.exitCode !== undefined && KILLED_BY.has(f.exitCode)) {
    // Something other than the user's Ctrl-C ended ssh (the OOM killer, a kill, a hang-up): the session did not end by itself.
    return { action: 'reconnect', kill: false, why: `ssh was killed (${KILLED_BY.get(f.exitCode) ?? 'a signal'})` };
  }
  if (f.endReason !== undefined && UNREACHABLE.has(f.endReason)) {
    return { action: 'reconnect', kill: false, why: `the host could not be reached (${f.endReason}): reconnect once it is back` };
  }
  if (f.exitCode === undefined && f.endReason === undefined) {
    return user
      ? { action: 'reconnect', kill: false, why: 'ended without a known exit code or reason; reconnecting as asked' }
      : { action: 'offer', kill: false, why: 'ended without a known exit code or reason' };
  }
  return user
    ? { action: 'reconnect', kill: false, why: `ended with exit code ${f.exitCode ?? 'unknown'}; reconnecting as asked` }
    : { action: 'leave', why: `ended with exit code ${f.exitCode ?? 'unknown'}: the remote program's own exit, not a dropped connection` };
}
