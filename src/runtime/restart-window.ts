/**
 * OTP's restart intensity, the one implementation (supervisors and the job
 * pool both count here): at most `intensity` restarts within any `period`
 * ms; the (intensity+1)-th inside the window exceeds it (supervisor.erl
 * add_restart/can_restart). Stamps older than the window are dropped, so
 * memory is bounded by intensity + 1.
 */
import { ArgumentError } from '../errors/index.js';
import type { Clock } from '../clock/index.js';

/**
 * Something that counts restarts and says when too many happened. A pool
 * records its worker crashes here; under a supervisor the budget is the
 * supervisor's own window, so the crashes count against its intensity.
 */
export interface RestartBudget {
  /** Records one restart now. Returns false when the budget is exceeded. */
  record(): boolean;
}

export class RestartWindow implements RestartBudget {
  private readonly stamps: number[] = [];

  constructor(
    readonly intensity: number,
    readonly period: number,
    private readonly clock: Clock,
  ) {
    if (!Number.isInteger(intensity) || intensity < 0) {
      throw new ArgumentError(`intensity must be a non-negative integer, got ${String(intensity)}`);
    }
    if (!(typeof period === 'number' && period > 0 && Number.isFinite(period))) {
      throw new ArgumentError(`period must be a positive finite number of milliseconds, got ${String(period)}`);
    }
  }

  /** Restarts inside the current window. */
  get count(): number {
    this.expire(this.clock.now());
    return this.stamps.length;
  }

  record(): boolean {
    const now = this.clock.now();
    this.expire(now);
    this.stamps.push(now);
    return this.stamps.length <= this.intensity;
  }

  /** Forgets all restarts (a fresh start). */
  reset(): void {
    this.stamps.length = 0;
  }

  private expire(now: number): void {
    let drop = 0;
    while (drop < this.stamps.length && now - this.stamps[drop] > this.period) drop++;
    if (drop > 0) this.stamps.splice(0, drop);
  }
}
