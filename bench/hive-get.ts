/**
 * get() of a RAM-resident Q4_0 chunk vs decoding the same blob alone
 * (decompressBlob on bytes already in hand), timed op by op interleaved;
 * per round the ratio of the two medians, then the median over rounds;
 * ≤ 1.2 is the goal. With the Hive built, get()
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

/**
 * Time `a` and `b` op by op, interleaved (a b b a a b …), for at least
 * `minMs`: on a shared, noisy machine both see the same load, which whole
 * windows of one op then the other do not. Returns each op's median µs.
 */
async function interleaved(a: () => unknown, b: () => unknown, minMs: number): Promise<[number, number]> {
  const ta: number[] = [];
  const tb: number[] = [];
  const t0 = performance.now();
  for (let i = 0; performance.now() - t0 < minMs; i++) {
    const order: Array<[() => unknown, number[]]> = i % 2 === 0 ? [[a, ta], [b, tb]] : [[b, tb], [a, ta]];
    for (const [op, into] of order) {
      const s = performance.now();
      await op();
      into.push((performance.now() - s) * 1000);
    }
  }
  return [median(ta), median(tb)];
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
    await interleaved(get, decode, minMs / 2); // warm up both paths
    for (let r = 0; r < rounds; r++) {
      const [gu, du] = await interleaved(get, decode, minMs);
      g.push(gu), d.push(du), ratio.push(gu / du);
    }
  } finally {
    await stop();
  }
  return { source, logicalBytes: tensor.byteLength, blobBytes: blob.byteLength, getUs: median(g), decodeUs: median(d), overheadRatio: median(ratio) };
}
