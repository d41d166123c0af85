/**
 * The actor that owns one tier driver. It runs in its own worker thread (or
 * inline) under the hive's `tiers` supervisor and answers put/get/delete/has/
 * keys/stats/sync/compact. Blobs are MOVED both ways (transfer lists): the
 * hive hands over the encoded bytes it no longer needs, the actor hands back
 * the copy the driver returned.
 *
 * Restart semantics come from the drivers: a RAM actor re-attaches to the
 * hive's SharedArrayBuffer slabs, a disk actor replays its segments, a GPU
 * actor starts empty (the hive keeps a copy of every GPU chunk lower down).
 */
import { isMainThread } from 'node:worker_threads';
import { ActorDeadError, TensorhiveError } from '../errors/index.js';
import { defineActor, reply } from '../runtime/index.js';
import { DiskTier } from '../tiers/disk/index.js';
import type { DiskIo, FsyncPolicy } from '../tiers/disk/index.js';
import type { TierDriver, TierKind, TierStats } from '../tiers/driver.js';
import { GpuTier } from '../tiers/gpu/index.js';
import { RamSlabs, RamTier, type RamLocation, type RamSlabsShared } from '../tiers/ram/index.js';

interface ArgBase {
  readonly name: string;
  /** Two i32s (kills asked for, carried out): bumping the first (Atomics.notify) ends this actor's worker thread at once (tests, chaos). */
  readonly kill?: SharedArrayBuffer;
}

export type TierActorArg =
  | (ArgBase & { readonly kind: 'ram'; readonly slabs: RamSlabsShared })
  | (ArgBase & { readonly kind: 'disk'; readonly dir: string; readonly capacityBytes: number; readonly fsync: FsyncPolicy; readonly io?: DiskIo })
  | (ArgBase & { readonly kind: 'gpu'; readonly capacityBytes: number; readonly budgetOnly: boolean });

export type TierMsg =
  /** `crc32`: the blob's CRC-32 when known (a container's, from its trailer): the tier stores it instead of computing one. */
  | { readonly op: 'put'; readonly key: string; readonly blob: Uint8Array; readonly crc32?: number }
  /** `verify: false`: the caller checks the blob's own CRC; the tier skips its checksum of the value. */
  | { readonly op: 'get'; readonly key: string; readonly verify?: boolean }
  | { readonly op: 'delete'; readonly key: string }
  | { readonly op: 'has'; readonly key: string }
  | { readonly op: 'keys' }
  | { readonly op: 'stats' }
  | { readonly op: 'sync' }
  | { readonly op: 'compact' }
  /** Crash on purpose (inline hosts, where there is no thread to end). */
  | { readonly op: 'crash' };

/** A RAM put answers with the record's location (RamLocation) so the hive can read it lock-free. */
export type TierValue = Uint8Array | boolean | string[] | TierStats | RamLocation | null;

/**
 * Expected failures (a full tier, a bad key, a damaged blob) come back as
 * values: a throw would crash the actor, and a restarted GPU actor starts empty.
 */
export type TierReply =
  | { readonly ok: true; readonly value: TierValue }
  | { readonly ok: false; readonly name: string; readonly code: string; readonly message: string };

interface TierState {
  readonly driver: TierDriver;
  readonly disarm: () => void;
}

function makeDriver(arg: TierActorArg): TierDriver {
  switch (arg.kind) {
    case 'ram':
      return new RamTier({ name: arg.name, slabs: RamSlabs.from(arg.slabs) });
    case 'disk':
      return new DiskTier({ name: arg.name, dir: arg.dir, capacityBytes: arg.capacityBytes, fsync: arg.fsync, ...(arg.io ? { io: arg.io } : {}) });
    case 'gpu':
      return new GpuTier({ name: arg.name, capacityBytes: arg.capacityBytes, budgetOnly: arg.budgetOnly });
  }
}

/** Node 20 has Atomics.waitAsync; TypeScript's ES2022 lib does not declare it. */
interface AtomicsWaitAsync {
  waitAsync(a: Int32Array, i: number, v: number): { async: false; value: string } | { async: true; value: Promise<string> };
}

/**
 * In a worker thread: end the thread when a kill is asked for (a crash as
 * abrupt as a segfault). `kill` holds two words: kills asked for
 * (hive.debug.killTier) and kills carried out. A kill asked for while no
 * incarnation was armed (the actor restarting) ends the next one as soon as
 * it arms, so every kill ends exactly one incarnation and none is lost.
 */
function armKillSwitch(kill: SharedArrayBuffer | undefined): () => void {
  if (!kill || isMainThread) return () => {};
  const word = new Int32Array(kill);
  const die = (): never => {
    Atomics.add(word, 1, 1);
    process.exit(70);
  };
  const seen = Atomics.load(word, 0);
  if (seen !== Atomics.load(word, 1)) die();
  let armed = true;
  const wait = (): void => {
    const w = (Atomics as unknown as AtomicsWaitAsync).waitAsync(word, 0, seen);
    if (!w.async) {
      if (armed) die();
      return;
    }
    void w.value.then(() => {
      if (!armed) return;
      if (Atomics.load(word, 0) !== seen) die();
      else wait(); // woken without a change (disarm from another incarnation): wait again
    });
  };
  wait();
  return () => {
    armed = false;
    Atomics.notify(word, 0);
  };
}

export const tierActor = defineActor<TierState, TierMsg, TierReply, TierActorArg>({
  async init(_ctx, arg) {
    const driver = makeDriver(arg);
    await driver.start();
    return { driver, disarm: armKillSwitch(arg.kill) };
  },
  async receive(state, msg) {
    try {
      const [value, transfer] = await handle(state.driver, msg);
      return reply(state, { ok: true, value }, transfer);
    } catch (err) {
      if (!(err instanceof TensorhiveError) || err instanceof ActorDeadError) throw err;
      return reply(state, { ok: false, name: err.name, code: err.code, message: err.message });
    }
  },
  async terminate(state) {
    state.disarm();
    await state.driver.stop();
  },
});

async function handle(d: TierDriver, msg: TierMsg): Promise<[TierValue, ArrayBuffer[]?]> {
  switch (msg.op) {
    case 'put':
      await d.put(msg.key, msg.blob, msg.crc32 === undefined ? undefined : { crc32: msg.crc32 });
      return [(d instanceof RamTier ? d.locate(msg.key) : undefined) ?? true];
    case 'get': {
      const got = await d.get(msg.key, msg.verify === false ? { verify: false } : undefined);
      if (!got) return [null];
      // The driver's copy is ours: move it to the caller (whole buffers only; a pooled view is copied first).
      const whole = got.byteOffset === 0 && got.byteLength === got.buffer.byteLength && !(got.buffer instanceof SharedArrayBuffer);
      const blob = whole ? got : got.slice();
      return [blob, [blob.buffer as ArrayBuffer]];
    }
    case 'delete':
      return [await d.delete(msg.key)];
    case 'has':
      return [await d.has(msg.key)];
    case 'keys':
      return [await d.keys()];
    case 'stats':
      return [await d.stats()];
    case 'sync':
      if (d.sync) await d.sync();
      return [true];
    case 'compact':
      if (d.compact) await d.compact();
      return [true];
    case 'crash':
      throw new Error(`tier ${d.name} crashed on request`);
  }
}

export const TIER_ORDER: readonly TierKind[] = ['gpu', 'ram', 'disk'];
