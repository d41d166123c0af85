/**
 * The hive's handle on one tier actor: typed calls, errors turned back into
 * the typed errors the driver threw, and one retry after a crash. A call in
 * flight when the actor's thread dies rejects with ActorDeadError; the retry
 * is stashed by the runtime while the supervisor restarts the actor and runs
 * on the new incarnation, so a single crash is invisible to callers. Every
 * operation here is idempotent (put replaces, delete of a missing key is a
 * no-op), which is what makes the retry safe.
 */
import {
  ActorDeadError,
  ArgumentError,
  CapacityError,
  IntegrityError,
  IOError,
  TensorhiveError,
} from '../errors/index.js';
import type { ActorRef } from '../runtime/index.js';
import type { TierKind, TierStats } from '../tiers/driver.js';
import type { RamLocation } from '../tiers/ram/index.js';
import type { RamLocal } from './ram-local.js';
import type { TierMsg, TierReply, TierValue } from './tier-actor.js';

/** Calls to a tier may carry whole chunks to disk: generous, but finite. */
export const TIER_CALL_TIMEOUT_MS = 60_000;

function rebuild(kind: TierKind, r: Extract<TierReply, { ok: false }>): TensorhiveError {
  switch (r.code) {
    case 'ERR_CAPACITY':
      return new CapacityError(r.message);
    case 'ERR_INTEGRITY':
      return new IntegrityError(`tier ${kind}`, r.message);
    case 'ERR_ARGUMENT':
      return new ArgumentError(r.message);
    case 'ERR_IO':
      return new IOError(`tier ${kind}`, r.message);
    default:
      return new TensorhiveError(r.code, `${r.name}: ${r.message}`);
  }
}

function isLocation(v: TierValue): v is RamLocation {
  return typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && !Array.isArray(v) && typeof (v as RamLocation).addr === 'number' && typeof (v as RamLocation).seq === 'number';
}

function detached(b: Uint8Array): boolean {
  return b.buffer.byteLength === 0 && b.byteLength === 0;
}

export class TierClient {
  /** Retries made after a crash (for stats and tests). */
  retries = 0;
  /** Set when the tier went down for good (its supervisor gave up): calls reject at once. */
  private downReason: string | undefined;

  constructor(
    readonly kind: TierKind,
    readonly capacityBytes: number,
    private readonly ref: ActorRef<TierMsg, TierReply>,
    /** The RAM tier's lock-free read path (its slabs are this thread's); absent for other tiers. */
    private readonly local?: RamLocal,
  ) {}

  /**
   * A private copy of `key`'s blob read on this thread without asking the
   * actor (RAM only), or undefined: ask the actor (`get`). NOT verified: the
   * caller checks the blob's CRC, and on any failure reads through `get`.
   * `scratch`: into a reused buffer, good only until this thread yields (RamLocal.read).
   */
  readLocal(key: string, scratch = false): Uint8Array | undefined {
    if (!this.local || this.downReason !== undefined) return undefined;
    return this.local.read(key, scratch);
  }

  /** The location lock-free reads use for `key` (RAM only; for tests and debugging). */
  localLocation(key: string): RamLocation | undefined {
    return this.local?.location(key);
  }

  /** Lock-free reads served / refused as stale (RAM only). */
  get localCounters(): Readonly<{ hits: number; stale: number }> | undefined {
    return this.local?.counters;
  }

  markDown(reason: string): void {
    this.downReason = reason;
  }

  /** The error every call to a tier that is down rejects with: it names the tier. */
  downError(): ActorDeadError {
    return new ActorDeadError(`tier ${this.kind}`, `the ${this.kind} tier is down: ${this.downReason ?? 'its supervisor gave up'}`);
  }

  private async call(msg: TierMsg, transfer?: ArrayBuffer[], again?: () => Promise<TierMsg>): Promise<TierValue> {
    if (this.downReason !== undefined) throw this.downError();
    let r: TierReply;
    try {
      r = await this.ref.call(msg, transfer && transfer.length > 0 ? { timeoutMs: TIER_CALL_TIMEOUT_MS, transfer } : { timeoutMs: TIER_CALL_TIMEOUT_MS });
    } catch (err) {
      if (!(err instanceof ActorDeadError)) throw err;
      if (this.downReason !== undefined) throw this.downError();
      this.retries++;
      const retry = again ? await again() : msg;
      r = await this.ref.call(retry, { timeoutMs: TIER_CALL_TIMEOUT_MS });
    }
    if (!r.ok) throw rebuild(this.kind, r);
    return r.value;
  }

  /**
   * Store `blob` under `key`. With `move` the blob's buffer is transferred
   * (the caller must not use it again); `remake` gives the bytes again should
   * the actor die after taking them.
   * `crc32`: the blob's CRC-32 when known (containerCrc), so the tier need not compute one.
   */
  async put(key: string, blob: Uint8Array, opts: { move?: boolean; remake?: () => Promise<Uint8Array>; crc32?: number } = {}): Promise<void> {
    const whole = blob.byteOffset === 0 && blob.byteLength === blob.buffer.byteLength && !(blob.buffer instanceof SharedArrayBuffer);
    const move = opts.move === true && whole && opts.remake !== undefined;
    const crc = opts.crc32 === undefined ? {} : { crc32: opts.crc32 };
    // The old location dies with this put (the reply carries the new one); a refused put leaves the old record.
    const prev = this.local?.location(key);
    this.local?.forget(key);
    let v: TierValue;
    try {
      v = await this.call({ op: 'put', key, blob, ...crc }, move ? [blob.buffer as ArrayBuffer] : undefined, async () => {
        const again = detached(blob) ? await opts.remake!() : blob;
        return { op: 'put', key, blob: again, ...crc };
      });
    } catch (err) {
      if (prev && this.local && !this.local.location(key)) this.local.remember(key, prev);
      throw err;
    }
    if (this.local && isLocation(v)) this.local.remember(key, v);
  }

  /** `verify: false` when the caller checks the blob's own CRC (the tier then skips its checksum of the value). */
  async get(key: string, opts: { verify?: boolean } = {}): Promise<Uint8Array | undefined> {
    const v = await this.call(opts.verify === false ? { op: 'get', key, verify: false } : { op: 'get', key });
    return v instanceof Uint8Array ? v : undefined;
  }

  async delete(key: string): Promise<boolean> {
    this.local?.forget(key);
    return (await this.call({ op: 'delete', key })) === true;
  }

  async has(key: string): Promise<boolean> {
    return (await this.call({ op: 'has', key })) === true;
  }

  async keys(): Promise<string[]> {
    return (await this.call({ op: 'keys' })) as string[];
  }

  async stats(): Promise<TierStats> {
    return (await this.call({ op: 'stats' })) as TierStats;
  }

  async sync(): Promise<void> {
    await this.call({ op: 'sync' });
  }

  async compact(): Promise<void> {
    await this.call({ op: 'compact' });
  }

  /** Crash the actor by message (inline hosts); the call itself rejects. */
  crash(): Promise<unknown> {
    return this.ref.call({ op: 'crash' }, { timeoutMs: TIER_CALL_TIMEOUT_MS }).catch((e: unknown) => e);
  }
}
