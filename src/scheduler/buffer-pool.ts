/**
 * A pool for expanded (decoded) buffers. Buffers come in power-of-two size
 * classes and are reused once released; the bytes the pool holds (in use
 * plus idle) never pass `capBytes`. An acquire that does not fit waits, in
 * FIFO order, until releases make room (idle buffers of other classes are
 * dropped to make room), or fails at once with CapacityError when it can
 * never fit, or with TimeoutError after `timeoutMs` on the injected clock.
 *
 * A reused buffer holds whatever its last user wrote: decoders overwrite it.
 */
import type { Clock, TimerHandle } from '../clock/index.js';
import { ArgumentError, CapacityError, TimeoutError } from '../errors/index.js';

export interface BufferPoolOptions {
  readonly capBytes: number;
  readonly clock: Clock;
  /** Smallest size class (a power of two). Default 4096. */
  readonly minClassBytes?: number;
  /** Back buffers with SharedArrayBuffer (to decode in other threads). Default false. */
  readonly shared?: boolean;
}

export interface AcquireOptions {
  /** Give up waiting after this long (TimeoutError); 0: never wait. Default: wait as long as it takes. */
  readonly timeoutMs?: number;
}

export interface PooledBuffer {
  /** A view of exactly the bytes asked for. */
  readonly bytes: Uint8Array;
  /** The size class: bytes the buffer really occupies. */
  readonly classBytes: number;
  release(): void;
}

export interface BufferPoolStats {
  readonly capBytes: number;
  /** Bytes held: in use plus idle. */
  readonly allocatedBytes: number;
  readonly inUseBytes: number;
  readonly idleBytes: number;
  readonly peakInUseBytes: number;
  readonly acquires: number;
  /** Acquires served by reusing a released buffer. */
  readonly reuses: number;
  readonly allocations: number;
  /** Idle buffers dropped to make room for another class. */
  readonly dropped: number;
  readonly waiters: number;
  readonly waited: number;
  readonly timeouts: number;
}

interface Waiter {
  classBytes: number;
  bytes: number;
  resolve(b: PooledBuffer): void;
  reject(e: Error): void;
  timer: TimerHandle | undefined;
}

export class BufferPool {
  private readonly cap: number;
  private readonly clock: Clock;
  private readonly minClass: number;
  private readonly shared: boolean;
  private readonly idle = new Map<number, ArrayBufferLike[]>();
  private readonly queue: Waiter[] = [];
  private allocated = 0;
  private inUse = 0;
  private idleBytes = 0;
  private peak = 0;
  private counts = { acquires: 0, reuses: 0, allocations: 0, dropped: 0, waited: 0, timeouts: 0 };

  constructor(options: BufferPoolOptions) {
    const cap = options?.capBytes;
    if (typeof cap !== 'number' || !Number.isSafeInteger(cap) || cap <= 0) throw new ArgumentError(`options.capBytes must be a positive integer, got ${String(cap)}`);
    if (typeof options.clock?.setTimeout !== 'function') throw new ArgumentError('options.clock must be a Clock');
    const min = options.minClassBytes ?? 4096;
    if (!Number.isSafeInteger(min) || min < 1 || (min & (min - 1)) !== 0 || min > 2 ** 30) {
      throw new ArgumentError(`options.minClassBytes must be a power of two up to 1 GiB, got ${String(options.minClassBytes)}`);
    }
    this.cap = cap;
    this.clock = options.clock;
    this.minClass = min;
    this.shared = options.shared ?? false;
  }

  /** The size class serving a request of `bytes`: a power of two, or the request rounded to the smallest class when a power of two would pass the cap. */
  classOf(bytes: number): number {
    let c = this.minClass;
    while (c < bytes) c *= 2;
    if (c > this.cap) c = Math.ceil(bytes / this.minClass) * this.minClass;
    return Math.min(c, Math.max(bytes, this.cap));
  }

  acquire(bytes: number, options: AcquireOptions = {}): Promise<PooledBuffer> {
    if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes < 0) {
      return Promise.reject(new ArgumentError(`bytes must be a non-negative integer, got ${String(bytes)}`));
    }
    const timeout = options.timeoutMs;
    if (timeout !== undefined && (typeof timeout !== 'number' || !(timeout >= 0) || !Number.isFinite(timeout))) {
      return Promise.reject(new ArgumentError(`options.timeoutMs must be a non-negative number, got ${String(timeout)}`));
    }
    if (bytes > this.cap) return Promise.reject(new CapacityError(`buffer of ${bytes} bytes exceeds the pool cap of ${this.cap} bytes`));
    this.counts.acquires++;
    const classBytes = this.classOf(bytes);
    if (this.queue.length === 0) {
      const b = this.take(classBytes, bytes);
      if (b) return Promise.resolve(b);
    }
    if (timeout === 0) {
      this.counts.timeouts++;
      return Promise.reject(new TimeoutError(`buffer of ${bytes} bytes: pool cap ${this.cap} reached (${this.inUse} bytes in use) and timeoutMs is 0`));
    }
    this.counts.waited++;
    return new Promise<PooledBuffer>((resolve, reject) => {
      const w: Waiter = { classBytes, bytes, resolve, reject, timer: undefined };
      if (timeout !== undefined) {
        w.timer = this.clock.setTimeout(() => {
          const i = this.queue.indexOf(w);
          if (i < 0) return;
          this.queue.splice(i, 1);
          this.counts.timeouts++;
          reject(new TimeoutError(`buffer of ${bytes} bytes: no room in the pool within ${timeout} ms (cap ${this.cap} bytes, ${this.inUse} in use)`));
          // The head may have changed: later waiters may fit now.
          this.pump();
        }, timeout);
      }
      this.queue.push(w);
    });
  }

  /** Drop every idle buffer; returns the bytes freed. */
  trim(): number {
    const freed = this.idleBytes;
    for (const list of this.idle.values()) this.counts.dropped += list.length;
    this.idle.clear();
    this.allocated -= freed;
    this.idleBytes = 0;
    this.pump();
    return freed;
  }

  stats(): BufferPoolStats {
    return {
      capBytes: this.cap,
      allocatedBytes: this.allocated,
      inUseBytes: this.inUse,
      idleBytes: this.idleBytes,
      peakInUseBytes: this.peak,
      ...this.counts,
      waiters: this.queue.length,
    };
  }

  /** Serve `classBytes` now if the cap allows, else undefined. */
  private take(classBytes: number, bytes: number): PooledBuffer | undefined {
    const list = this.idle.get(classBytes);
    let buf: ArrayBufferLike | undefined;
    if (list && list.length > 0) {
      buf = list.pop()!;
      this.idleBytes -= classBytes;
      this.counts.reuses++;
    } else {
      if (this.inUse + classBytes > this.cap) return undefined;
      // Drop idle buffers of other classes until the new one fits.
      for (const [c, l] of this.idle) {
        if (this.allocated + classBytes <= this.cap) break;
        while (l.length > 0 && this.allocated + classBytes > this.cap) {
          l.pop();
          this.allocated -= c;
          this.idleBytes -= c;
          this.counts.dropped++;
        }
        if (l.length === 0) this.idle.delete(c);
      }
      buf = this.shared ? new SharedArrayBuffer(classBytes) : new ArrayBuffer(classBytes);
      this.allocated += classBytes;
      this.counts.allocations++;
    }
    this.inUse += classBytes;
    if (this.inUse > this.peak) this.peak = this.inUse;
    let released = false;
    const raw = buf;
    return {
      bytes: new Uint8Array(raw, 0, bytes),
      classBytes,
      release: () => {
        if (released) throw new ArgumentError(`buffer of ${bytes} bytes was already released`);
        released = true;
        this.inUse -= classBytes;
        this.idleBytes += classBytes;
        const l = this.idle.get(classBytes);
        if (l) l.push(raw);
        else this.idle.set(classBytes, [raw]);
        this.pump();
      },
    };
  }

  /** Serve waiters in FIFO order while the head fits. */
  private pump(): void {
    while (this.queue.length > 0) {
      const w = this.queue[0];
      const b = this.take(w.classBytes, w.bytes);
      if (!b) return;
      this.queue.shift();
      this.clock.clearTimeout(w.timer);
      w.resolve(b);
    }
  }
}
