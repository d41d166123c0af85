/**
 * The cap on expanded bytes held by GPU leases (options.gpuExpandedCap): the
 * same contract as the CPU leases' BufferPool — a request that can never fit
 * fails at once with CapacityError; one that does not fit now waits in FIFO
 * order until releases make room, or fails with TimeoutError after
 * `timeoutMs` on the injected clock (0: never wait). Lease buffers are
 * destroyed on release, not pooled: a GPU buffer re-used by another lease
 * would need clearing anyway, and creating one is cheap next to decoding.
 */
import type { Clock, TimerHandle } from '../clock/index.js';
import { CapacityError, TimeoutError } from '../errors/index.js';

interface Waiter {
  readonly bytes: number;
  readonly resolve: (release: () => void) => void;
  readonly reject: (e: Error) => void;
  timer: TimerHandle | undefined;
}

export class GpuByteBudget {
  private inUse = 0;
  private peak = 0;
  private readonly queue: Waiter[] = [];

  constructor(
    readonly capBytes: number,
    private readonly clock: Clock,
  ) {}

  get inUseBytes(): number {
    return this.inUse;
  }

  get peakBytes(): number {
    return this.peak;
  }

  /** Reserve `bytes`; resolves with the (idempotent) release. */
  reserve(bytes: number, timeoutMs: number | undefined): Promise<() => void> {
    if (bytes > this.capBytes) {
      return Promise.reject(new CapacityError(`a GPU lease of ${bytes} bytes exceeds options.gpuExpandedCap (${this.capBytes} bytes)`));
    }
    if (this.queue.length === 0 && this.inUse + bytes <= this.capBytes) return Promise.resolve(this.take(bytes));
    if (timeoutMs === 0) {
      return Promise.reject(new TimeoutError(`a GPU lease of ${bytes} bytes: options.gpuExpandedCap ${this.capBytes} reached (${this.inUse} bytes in use) and timeoutMs is 0`));
    }
    return new Promise((resolve, reject) => {
      const w: Waiter = { bytes, resolve, reject, timer: undefined };
      if (timeoutMs !== undefined) {
        w.timer = this.clock.setTimeout(() => {
          const i = this.queue.indexOf(w);
          if (i < 0) return;
          this.queue.splice(i, 1);
          reject(new TimeoutError(`a GPU lease of ${bytes} bytes: no room under options.gpuExpandedCap within ${timeoutMs} ms (${this.inUse} of ${this.capBytes} bytes in use)`));
          this.pump();
        }, timeoutMs);
      }
      this.queue.push(w);
    });
  }

  private take(bytes: number): () => void {
    this.inUse += bytes;
    if (this.inUse > this.peak) this.peak = this.inUse;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.inUse -= bytes;
      this.pump();
    };
  }

  private pump(): void {
    while (this.queue.length > 0 && this.inUse + this.queue[0].bytes <= this.capBytes) {
      const w = this.queue.shift()!;
      this.clock.clearTimeout(w.timer);
      w.resolve(this.take(w.bytes));
    }
  }
}
