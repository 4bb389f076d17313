/**
 * Drives a WakeDetector from a timer with the real clocks: calls `onWake`
 * after the machine slept (or the event loop was blocked for long).
 */
import { WakeDetector, type Clock, type WakeEvent } from '../../core/wake/wakeDetector';
import { systemClock } from '../heartbeat/heartbeat';

export interface WakeWatchOptions {
  readonly onWake: (event: WakeEvent) => void;
  /** Default 1000 ms. */
  readonly intervalMs?: number;
  /** Default 4000 ms. */
  readonly thresholdMs?: number;
  readonly clock?: Clock;
}

/** Starts ticking; the returned function stops. The timer never keeps the process alive. */
export function watchForWake(options: WakeWatchOptions): () => void {
  const intervalMs = options.intervalMs ?? 1000;
  const detector = new WakeDetector(options.clock ?? systemClock, { intervalMs, thresholdMs: options.thresholdMs ?? 4000 });
  const timer = setInterval(() => {
    const event = detector.tick();
    if (event !== undefined) {
      options.onWake(event);
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
