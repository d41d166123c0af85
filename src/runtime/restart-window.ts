/**
 * OTP's restart intensity: restarts are stamped; those older than `period`
 * are forgotten; one more than `intensity` within the window means give up.
 */
export class RestartWindow {
  private stamps: number[] = [];

  constructor(
    private readonly intensity: number,
    private readonly period: number,
  ) {}

  /** Restarts in the current window. */
  get count(): number {
    return this.stamps.length;
  }

  /** Record a restart at `now`; false when that exceeds the intensity. */
  add(now: number): boolean {
    const threshold = now - this.period;
    this.stamps = this.stamps.filter((t) => t > threshold);
    this.stamps.push(now);
    return this.stamps.length <= this.intensity;
  }

  reset(): void {
    this.stamps = [];
  }
}
