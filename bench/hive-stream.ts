/**
 * A model 4× larger than the RAM+GPU budgets read layer by layer in a
 * recorded order, several passes, with prefetch, while the caller "works"
 * on each layer (a pass over its values). With the Hive built: a real hive
 * (RAM budget + disk tier, policy nextUse) — stall time and hit rate from its
 * stats over the passes after the first (the order is learned in the first).
 * LRU has no hive policy, so nextUse vs LRU side by side comes from the
 * scheduler's simulateStream over the same chunk sizes and capacity;
 * `source` says where each figure came from.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HiveClass, Lib } from './hive-lib.js';

export interface StreamFigures {
  readonly source: { hive: 'hive' | 'not built'; hitRates: 'simulateStream' };
  readonly modelBytes: number;
  readonly budgetBytes: number;
  readonly chunks: number;
  readonly passes: number;
  /** Hive run, passes after the first; null without the Hive. */
  readonly hitRate: number | null;
  readonly stallMs: number | null;
  readonly secondsPerPass: number | null;
  /** simulateStream steady-state hit rates, same chunk sizes and capacity. */
  readonly simulated: { nextUse: number; lru: number };
}

export async function streamBench(lib: Lib, Hive: HiveClass | null, quick: boolean): Promise<StreamFigures> {
  const ram = quick ? 8 << 20 : 16 << 20;
  const layerBytes = 1 << 20;
  const layers = (4 * ram) / layerBytes;
  const passes = quick ? 3 : 4;
  const sim = lib.simulateStream({ chunkBytes: new Array<number>(layers).fill(layerBytes), capacityBytes: ram, repeats: passes });
  const simulated = { nextUse: sim.nextUse.steadyHitRate, lru: sim.lru.steadyHitRate };
  const base = { modelBytes: layers * layerBytes, budgetBytes: ram, chunks: layers, passes, simulated };
  if (!Hive) return { source: { hive: 'not built', hitRates: 'simulateStream' }, hitRate: null, stallMs: null, secondsPerPass: null, ...base };

  const dir = mkdtempSync(join(tmpdir(), 'tensorhive-bench-stream-'));
  const hive = await Hive.start({
    dir,
    tiers: { gpu: false, ram, disk: '1GiB' },
    policy: 'nextUse',
    codec: 'raw',
    chunkSize: layerBytes,
    prefetch: 2,
  });
  try {
    const rng = new lib.Rng(5);
    for (let l = 0; l < layers; l++) await hive.put(`layer.${l}`, lib.Tensor.fromF32(rng.normalArray(layerBytes / 4, 1), [layerBytes / 4]));
    let sink = 0;
    const pass = async () => {
      for (let l = 0; l < layers; l++) {
        const v = (await hive.get(`layer.${l}`)).toF32();
        for (let i = 0; i < v.length; i += 16) sink += v[i]; // the caller's work on the layer
      }
    };
    await pass(); // learns the order
    const s0 = await hive.stats();
    const t0 = performance.now();
    for (let p = 1; p < passes; p++) await pass();
    const seconds = (performance.now() - t0) / 1000;
    const s1 = await hive.stats();
    if (!Number.isFinite(sink)) throw new Error('stream bench read non-finite values');
    const hits = s1.hits - s0.hits;
    const misses = s1.misses - s0.misses;
    return {
      source: { hive: 'hive', hitRates: 'simulateStream' },
      hitRate: hits + misses === 0 ? 0 : hits / (hits + misses),
      stallMs: s1.stallMs - s0.stallMs,
      secondsPerPass: seconds / (passes - 1),
      ...base,
    };
  } finally {
    await hive.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
