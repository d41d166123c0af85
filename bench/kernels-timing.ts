/** Data makers and interleaved timing for the kernel benchmark (bench/kernels.ts). */
import { readFileSync } from 'node:fs';
import type { Clock } from '../src/clock/index.js';
import { dequantizeRowQ8_0 } from '../src/codecs/q8_0.js';
import { dequantizeRowQ4_0 } from '../src/codecs/q4_0.js';
import { dequantizeRowQ4_1 } from '../src/codecs/q4_1.js';
import { dequantizeRowQ5_0 } from '../src/codecs/q5_0.js';
import { dequantizeRowQ5_1 } from '../src/codecs/q5_1.js';
import { dequantizeRowQ4_K } from '../src/codecs/q4_k.js';
import { dequantizeRowQ6_K } from '../src/codecs/q6_k.js';
import { best } from '../src/jobs/bench-codecs.js';
import { NATIVE_GGML } from '../src/kernels/index.js';
import type { Rng } from '../src/random/rng.js';

/** Last-level cache size from sysfs (Linux), else 64 MiB. */
export function llcBytes(): number {
  for (const idx of [3, 2]) {
    try {
      const t = readFileSync(`/sys/devices/system/cpu/cpu0/cache/index${idx}/size`, 'utf8').trim();
      const m = /^(\d+)([KMG]?)$/.exec(t);
      if (m) return Number(m[1]) * { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2] as '' | 'K' | 'M' | 'G'];
    } catch {
      // no sysfs entry: try the next level
    }
  }
  return 64 * 1024 ** 2;
}

/** `bytes` of seeded random data: a ~1 MiB chunk of whole `unit`-byte blocks, tiled (fast to make). */
export function tiled(bytes: number, unit: number, rng: Rng, fix: (chunk: Uint8Array) => void): Uint8Array {
  const out = new Uint8Array(bytes);
  const chunk = rng.bytes(Math.min(bytes, Math.floor((1 << 20) / unit) * unit));
  fix(chunk);
  for (let o = 0; o < bytes; o += chunk.length) out.set(chunk.subarray(0, Math.min(chunk.length, bytes - o)), o);
  return out;
}


export const MB = 1e6;
export const REF_ROWS: Record<number, (src: Uint8Array, dst: Float32Array) => void> = {
  8: dequantizeRowQ8_0, 2: dequantizeRowQ4_0, 3: dequantizeRowQ4_1, 6: dequantizeRowQ5_0,
  7: dequantizeRowQ5_1, 12: dequantizeRowQ4_K, 14: dequantizeRowQ6_K,
};

/** Seeded random blocks with finite fp16 scales (exponent 10..17). */
export function randomBlocks(type: number, blocks: number, rng: Rng): Uint8Array {
  const { bytes } = NATIVE_GGML[type];
  const p = rng.bytes(blocks * bytes);
  const fields = type === 14 ? [208] : [3, 7, 12].includes(type) ? [0, 2] : [0];
  for (let b = 0; b < blocks; b++) {
    for (const off of fields) p[b * bytes + off + 1] = (p[b * bytes + off + 1] & 0x83) | ((10 + rng.int(8)) << 2);
  }
  return p;
}

/**
 * Interleaved timing: `rounds` rounds, each taking every fn's best ms over a
 * `windowMs` window, the order reversed every other round, so a kernel and
 * its baseline see the same load. Returns each fn's per-round ms.
 */
export function interleave(clock: Clock, windowMs: number, rounds: number, fns: readonly (() => void)[]): number[][] {
  const ms = fns.map((): number[] => []);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < fns.length; k++) {
      const i = r % 2 === 0 ? k : fns.length - 1 - k;
      ms[i].push(best(clock, windowMs, fns[i]));
    }
  }
  return ms;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Median over rounds of num[r] ÷ den[r] (times of the same round). */
export function ratio(num: readonly number[], den: readonly number[]): number {
  return median(num.map((v, r) => v / den[r]));
}

export function tsMatVec(w: Float32Array, rows: number, cols: number, x: Float32Array, y: Float32Array): void {
  for (let r = 0; r < rows; r++) {
    let s = 0;
    const o = r * cols;
    for (let c = 0; c < cols; c++) s += w[o + c] * x[c];
    y[r] = s;
  }
}
