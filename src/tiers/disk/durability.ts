/**
 * When the disk tier's writes become durable, by fsync policy:
 * - 'always': a write waits for an fsync that covers it (group commit through Syncer);
 * - 'batch': the first write after an fsync arms a timer; when it fires, one
 *   fsync covers everything written meanwhile (at most one per `batchMs`);
 * - 'none': only an explicit sync() fsyncs.
 * A background fsync that fails is reported to the next write or sync(): the
 * writes it covered may not be durable.
 */
import type { Clock, TimerHandle } from '../../clock/index.js';
import type { FsyncPolicy } from './options.js';
import { Syncer } from './syncer.js';

export class Durability {
  readonly policy: FsyncPolicy;
  private readonly batchMs: number;
  private readonly clock: Clock;
  private readonly syncer: Syncer;
  private timer: TimerHandle | undefined;
  private failure: unknown;

  constructor(policy: FsyncPolicy, batchMs: number, clock: Clock, fsync: () => Promise<void>) {
    this.policy = policy;
    this.batchMs = batchMs;
    this.clock = clock;
    this.syncer = new Syncer(fsync);
  }

  /** Whether rotation, truncation and new files are fsynced too. */
  get durable(): boolean {
    return this.policy !== 'none';
  }

  /** Call after a write was made; what the write waits for before it resolves. */
  afterWrite(): Promise<void> | undefined {
    if (this.policy === 'always') return this.syncer.request();
    if (this.policy === 'batch' && !this.timer) {
      this.timer = this.clock.setTimeout(() => {
        this.timer = undefined;
        this.syncer.request().catch((err: unknown) => (this.failure ??= err));
      }, this.batchMs);
    }
    return undefined;
  }

  /** fsync now (every policy), after reporting an earlier background failure. */
  async sync(): Promise<void> {
    this.throwFailure();
    await this.syncer.request();
  }

  /** Throws (once) the error of a background fsync that failed. */
  throwFailure(): void {
    const err = this.failure;
    if (err === undefined) return;
    this.failure = undefined;
    throw err;
  }

  /** Wait for running fsyncs to end (before closing files). */
  settled(): Promise<void> {
    return this.syncer.settled();
  }

  /** Cancel a pending batch fsync and wait for running ones (on stop). */
  async quiesce(): Promise<void> {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    await this.syncer.settled();
  }

  /** Forget a failure from before a restart. */
  reset(): void {
    this.failure = undefined;
  }
}
