/**
 * Lock-free RAM reads racing a writer in another thread that overwrites,
 * frees and reuses the very blocks being read: every read is either the exact
 * blob the location was handed out for (so it passes its checksum and belongs
 * to its own key) or undefined — a retry through the actor — never anything
 * else. Also the deterministic cases: a writer acting at a chosen point of
 * the copy.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { decodeBlob } from '../../../src/format/blob.js';
import { compressTensor } from '../../../src/format/compress.js';
import { Rng } from '../../../src/random/rng.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { RamReader, RamSlabs, RamTier, type RamLocation } from '../../../src/tiers/ram/index.js';

const MiB = 1024 * 1024;
const enc = new TextEncoder();
const workers: Worker[] = [];

afterEach(async () => {
  for (const w of workers.splice(0)) await w.terminate();
});

/** Container blobs (raw codec: the bytes are the values) of `slots` × `variants`, 20..120 KB each. */
function makeBlobs(seed: number, slots: number, variants: number): Uint8Array[][] {
  const rng = new Rng(seed);
  return Array.from({ length: slots }, () =>
    Array.from({ length: variants }, () => compressTensor(Tensor.fromF32(rng.normalArray(5000 + rng.int(25_000), 1)), 'raw')),
  );
}

function startChurn(shared: unknown, blobs: Uint8Array[][], seed: number): { worker: Worker; failed: Promise<never> } {
  const url = new URL('./fixtures/ram-churn.ts', import.meta.url).href;
  const boot = `import('tsx/esm/api').then((m) => m.tsImport(${JSON.stringify(url)}, ${JSON.stringify(url)}))`;
  const worker = new Worker(boot, { eval: true });
  workers.push(worker);
  const failed = new Promise<never>((_, reject) => worker.once('error', reject));
  worker.postMessage({ shared, blobs, seed });
  return { worker, failed };
}

/** A reader whose copy lets `during` act as a writer between the copy and the closing check. */
class TornReader extends RamReader {
  during: (() => Promise<void>) | undefined;
  acted: Promise<void> | undefined;
  protected override copy(u8: Uint8Array, start: number, end: number, into?: Uint8Array): Uint8Array {
    const half = start + ((end - start) >> 1);
    // The first half is copied before the writer acts, the second after: a torn copy if nothing checked.
    const out = new Uint8Array(end - start);
    out.set(u8.subarray(start, half));
    const act = this.during;
    this.during = undefined;
    this.acted = act?.();
    out.set(u8.subarray(half, end), half - start);
    return into && into.byteLength >= out.byteLength ? (into.set(out), into.subarray(0, out.byteLength)) : out;
  }
}

describe('lock-free RAM reads racing a writer thread (overwrite, free, reuse)', () => {
  it('return the exact blob of their location or undefined, never bytes of another version or key', async () => {
    const slabs = RamSlabs.create({ capacityBytes: MiB, slabBytes: MiB }); // small: freed blocks are reused at once
    const blobs = makeBlobs(1, 4, 3);
    const { worker, failed } = startChurn(slabs.toShared(), blobs, 7);
    const locs: Array<{ loc: RamLocation; variant: number } | undefined> = [undefined, undefined, undefined, undefined];
    let messages = 0;
    worker.on('message', ([k, variant, loc]: [number, number, RamLocation?]) => {
      messages++;
      // A delete does not clear the slot: its old location must now read as undefined.
      if (variant >= 0) locs[k] = { loc: loc!, variant };
    });
    const reader = new RamReader(slabs);
    const keys = [0, 1, 2, 3].map((k) => enc.encode(`slot${k}`));
    const scratch = new Uint8Array(200_000);
    let wrong = 0;
    let badCrc = 0;
    let reads = 0;
    while (reads < 4000 || messages < 300) {
      // A burst of reads while the writer runs on its own thread, then let its messages in.
      for (let i = 0; i < 40; i++) {
        const k = i & 3;
        const at = locs[k];
        if (!at) continue;
        reads++;
        const got = reader.read(at.loc, keys[k], i & 4 ? scratch : undefined);
        if (got === undefined) continue;
        if (!Buffer.from(got).equals(Buffer.from(blobs[k][at.variant]))) wrong++;
        try {
          decodeBlob(got);
        } catch {
          badCrc++;
        }
      }
      await Promise.race([new Promise((r) => setImmediate(r)), failed]);
    }
    expect({ wrong, badCrc }).toEqual({ wrong: 0, badCrc: 0 });
    expect(reader.counters.hits + reader.counters.stale).toBe(reads);
    expect(reader.counters.hits).toBeGreaterThan(0);
  });

  // The driver's put and delete do all their work before their first await: called
  // from inside the copy, they have changed the slab by the time the copy goes on.
  it.each([
    ['overwritten', (tier: RamTier, first: Uint8Array, second: Uint8Array) => [tier.put('k', second)], 'k'],
    ['freed', (tier: RamTier) => [tier.delete('k')], undefined],
    ['freed and its block reused by another key with the same bytes', (tier: RamTier, first: Uint8Array) => [tier.delete('k'), tier.put('x', first)], 'x'],
    ['freed and its block reused by the same key and bytes', (tier: RamTier, first: Uint8Array) => [tier.delete('k'), tier.put('k', first)], 'k'],
  ])('a record %s in the middle of the copy reads as undefined', async (_, act, after) => {
    const slabs = RamSlabs.create({ capacityBytes: MiB, slabBytes: MiB });
    const tier = new RamTier({ slabs });
    await tier.start();
    const [[first, second]] = makeBlobs(2, 1, 2);
    await tier.put('k', first);
    const loc = tier.locate('k')!;
    const reader = new TornReader(slabs);
    reader.during = async () => void (await Promise.all(act(tier, first, second)));
    expect(reader.read(loc, enc.encode('k'))).toBeUndefined();
    await reader.acted;
    expect(reader.counters).toEqual({ hits: 0, stale: 1 });
    if (after === undefined) return;
    const now = tier.locate(after)!;
    if (after === 'x' || _.includes('same key')) expect(now.addr).toBe(loc.addr); // the very block was reused
    // Nothing acting: the record there now reads exactly, under its own key only.
    const want = after === 'k' && _ === 'overwritten' ? second : first;
    expect(Buffer.from(reader.read(now, enc.encode(after))!).equals(Buffer.from(want))).toBe(true);
    expect(reader.read(now, enc.encode(after === 'k' ? 'x' : 'k'))).toBeUndefined();
  });
});
