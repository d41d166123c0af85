/**
 * Restart backoff beside OTP's immediate restart: minMs·2^k (k = restarts
 * already in the window), capped at maxMs, plus up to jitter·delay drawn from
 * the system's seeded Rng; and a sleep that a stopping supervisor can cut short.
 */
import type { Clock, TimerHandle } from '../clock/index.js';
import type { Rng } from '../random/rng.js';
import type { Backoff } from './child-spec.js';

export function backoffDelay(b: Required<Backoff>, restartsInWindow: number, rng: Rng): number {
  const k = Math.max(0, restartsInWindow - 1);
  const base = Math.min(b.maxMs, b.minMs * 2 ** Math.min(k, 30));
  return Math.round(base * (1 + b.jitter * rng.next()));
}

/** One pending sleep on the injected clock; wake() ends it early. */
export class Sleeper {
  private sleeping: { timer: TimerHandle; wake: () => void } | undefined;

  constructor(private readonly clock: Clock) {}

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        this.sleeping = undefined;
        resolve();
      };
      this.sleeping = { timer: this.clock.setTimeout(wake, ms), wake };
    });
  }

  wake(): void {
    const s = this.sleeping;
    if (!s) return;
    this.clock.clearTimeout(s.timer);
    s.wake();
  }
}
