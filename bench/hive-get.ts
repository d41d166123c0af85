/**
 * get() of a RAM-resident Q4_0 chunk vs decoding the same blob alone
 * (decompressBlob on bytes already in hand), alternating rounds, median of
 * the per-round time ratios; ≤ 1.2 is the goal. With the Hive built, get()
 * goes through the hive (catalog, RAM tier actor, checksum, decode); until
 * then through the RAM tier driver + decode (the same data path without the
 * actor hop), and `source` says which.
 */
import type { HiveClass, Lib } from './hive-lib.js';
import { median } from './hive-lib.js';

export interface GetFigures {
  readonly source: 'hive' | 'ram-tier-driver';
  readonly logicalBytes: number;
  readonly blobBytes: number;
  readonly getUs: number;
  readonly decodeUs: number;
  readonly overheadRatio: number;
}

async function timePerOp(minMs: number, op: () => unknown): Promise<number> {
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < minMs) {
    await op();
    n++;
    t = performance.now();
  }
  return ((t - t0) * 1000) / n;
}

export async function getBench(lib: Lib, Hive: HiveClass | null, quick: boolean): Promise<GetFigures> {
  const elements = 1 << 19; // 2 MiB of F32: one chunk at the default chunk size
  const tensor = lib.Tensor.fromF32(new lib.Rng(11).normalArray(elements, 1), [512, 1024]);
  const blob = lib.compressTensor(tensor, 'q4_0');
  const decode = () => lib.decompressBlob(blob);
  const minMs = quick ? 80 : 400;
  const rounds = quick ? 3 : 7;
  let get: () => Promise<unknown>;
  let stop: () => Promise<void>;
  let source: GetFigures['source'];
  if (Hive) {
    const hive = await Hive.start({ tiers: { ram: '64MiB', gpu: false, disk: false }, codec: 'q4_0', prefetch: 0 });
    await hive.put('w', tensor, { codec: 'q4_0', tier: 'ram' });
    get = () => hive.get('w');
    stop = () => hive.stop();
    source = 'hive';
  } else {
    const slabs = lib.RamSlabs.create({ capacityBytes: 16 << 20, slabBytes: 16 << 20 });
    const ram = new lib.RamTier({ name: 'ram', slabs });
    await ram.start();
    await ram.put('w', blob);
    get = async () => lib.decompressBlob((await ram.get('w'))!);
    stop = () => ram.stop();
    source = 'ram-tier-driver';
  }
  const g: number[] = [];
  const d: number[] = [];
  const ratio: number[] = [];
  try {
    await timePerOp(minMs / 4, get); // warm up both paths
    await timePerOp(minMs / 4, decode);
    for (let r = 0; r < rounds; r++) {
      const gu = await timePerOp(minMs, get);
      const du = await timePerOp(minMs, decode);
      g.push(gu), d.push(du), ratio.push(gu / du);
    }
  } finally {
    await stop();
  }
  return { source, logicalBytes: tensor.byteLength, blobBytes: blob.byteLength, getUs: median(g), decodeUs: median(d), overheadRatio: median(ratio) };
}
