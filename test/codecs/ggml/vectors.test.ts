/**
 * Hand-worked GGML blocks. Inputs are chosen so the scale is exactly ±1
 * (fp16 0x3C00 / 0xBC00, bytes 00 3C / 00 BC) and 1/d = ±1, so every level
 * follows from the reference formula by hand; the derivation is beside each.
 */
import { describe, expect, it } from 'vitest';
import { dequantizeRowQ4_0, quantizeRowQ4_0 } from '../../../src/codecs/q4_0.js';
import { quantizeRowQ4_1 } from '../../../src/codecs/q4_1.js';
import { dequantizeRowQ4_K } from '../../../src/codecs/q4_k.js';
import { quantizeRowQ5_0 } from '../../../src/codecs/q5_0.js';
import { dequantizeRowQ5_1, quantizeRowQ5_1 } from '../../../src/codecs/q5_1.js';
import { dequantizeRowQ6_K, quantizeRowQ6_K } from '../../../src/codecs/q6_k.js';
import { dequantizeRowQ8_0, quantizeRowQ8_0 } from '../../../src/codecs/q8_0.js';

function enc(fn: (s: Float32Array, d: Uint8Array) => void, x: number[], bytes: number): number[] {
  const out = new Uint8Array(bytes);
  fn(Float32Array.from(x), out);
  return [...out];
}
const range = (n: number, f: (j: number) => number): number[] => Array.from({ length: n }, (_, j) => f(j));

describe('hand-worked GGML blocks', () => {
  it('Q8_0: d = max|x|/127 = 1, q = roundf(x) with halves away from zero', () => {
    // amax = 127 -> d = 127/127 = 1 -> fp16 0x3C00 (bytes 00 3C), id = 1, q = roundf(x):
    // 2.5 -> 3, -2.5 -> -3, 0.5 -> 1, -0.5 -> -1 (half away from zero, not to even),
    // 1.49 -> 1, -1.51 -> -2; the rest are integers j - 16.
    const head = [127, -127, 2.5, -2.5, 0.5, -0.5, 1.49, -1.51];
    const x = [...head, ...range(24, (j) => j - 16)];
    const q = [127, -127, 3, -3, 1, -1, 1, -2, ...range(24, (j) => j - 16)];
    expect(enc(quantizeRowQ8_0, x, 34)).toEqual([0x00, 0x3c, ...q.map((v) => v & 0xff)]);
  });

  it('Q4_0: signed max, d = max/−8, element j low nibble and j+16 high nibble', () => {
    // Block 0: x_j = j − 8 (j < 16), x_16 = 7.75, x_{16+j} = 7 − j. max = x_0 = −8 (first of the
    // largest magnitude) -> d = −8/−8 = 1 (00 3C), id = 1, q = min(15, trunc(x + 8.5)):
    // q_j = j; q_16 = trunc(16.25) = 16 -> clamped 15; q_{16+j} = 15 − j. qs[j] = j | (15 − j) << 4.
    // Block 1: x_j = 8 − j, x_{16+j} = j − 7.4. max = +8 (positive) -> d = −1 (00 BC), id = −1,
    // q_j = trunc(j − 8 + 8.5) = j, q_{16+j} = trunc(7.4 − j + 8.5) = 15 − j: same qs, other sign.
    const b0 = [...range(16, (j) => j - 8), 7.75, ...range(15, (j) => 6 - j)];
    const b1 = [...range(16, (j) => 8 - j), ...range(16, (j) => j - 7.4)];
    const qs = range(16, (j) => j | ((15 - j) << 4));
    expect(enc(quantizeRowQ4_0, [...b0, ...b1], 36)).toEqual([0x00, 0x3c, ...qs, 0x00, 0xbc, ...qs]);
  });

  it('Q4_1: d = (max − min)/15, m = min, q = trunc((x − min)/d + 0.5)', () => {
    // x_j = j − 1 + 0.4 for odd j < 15, j − 1 otherwise; x_{16+j} = 14 − j.
    // min = −1 (x_0, x_31), max = 14 (x_15, x_16) -> d = 15/15 = 1 (00 3C), m = −1 (00 BC), id = 1.
    // q_j = trunc(j + 0.5) or trunc(j + 0.9) = j; q_{16+j} = trunc(15 − j + 0.5) = 15 − j.
    const x = [...range(16, (j) => (j % 2 === 1 && j < 15 ? j - 0.6 : j - 1)), ...range(16, (j) => 14 - j)];
    const qs = range(16, (j) => j | ((15 - j) << 4));
    expect(enc(quantizeRowQ4_1, x, 20)).toEqual([0x00, 0x3c, 0x00, 0xbc, ...qs]);
  });

  it('Q5_0: d = max/−16, qh bit j = bit 4 of element j (little-endian u32)', () => {
    // x_j = j − 16 for even j, j + 0.2 for odd j (j < 16); x_{16+j} = j − 15.7.
    // max = x_0 = −16 -> d = 1 (00 3C), id = 1, q = min(31, trunc(x + 16.5)):
    // even j: q = j; odd j: trunc(j + 16.7) = 16 + j (bit 4 set); q_{16+j} = trunc(j + 0.8) = j.
    // Low nibbles: q_j & 15 = j and q_{16+j} = j -> qs[j] = 0x11·j.
    // qh = bits of the odd j < 16 = 0x0000AAAA -> bytes AA AA 00 00.
    const x = [...range(16, (j) => (j % 2 === 0 ? j - 16 : j + 0.2)), ...range(16, (j) => j - 15.7)];
    expect(enc(quantizeRowQ5_0, x, 22)).toEqual([0x00, 0x3c, 0xaa, 0xaa, 0x00, 0x00, ...range(16, (j) => 0x11 * j)]);
  });

  it('Q5_1: d = (max − min)/31, m = min, high bits of elements 16..31 in qh bits 16..31', () => {
    // x_j = j − 2 (j < 16); x_{16+j} = 14.3 + j for even j, j − 1.7 for odd j, except x_31 = 29.
    // min = −2 (fp16 0xC000 -> 00 C0), max = 29 -> d = 31/31 = 1 (00 3C), q = trunc(x + 2 + 0.5):
    // q_j = j; even j: q_{16+j} = 16 + j; odd j: q_{16+j} = j; q_31 = 31.
    // qs[j] = j | j << 4; qh = (0x5555 << 16) | (1 << 31) = 0xD5550000 -> bytes 00 00 55 D5.
    const x = [...range(16, (j) => j - 2), ...range(16, (j) => (j === 15 ? 29 : j % 2 === 0 ? 14.3 + j : j - 1.7))];
    const bytes = enc(quantizeRowQ5_1, x, 24);
    expect(bytes).toEqual([0x00, 0x3c, 0x00, 0xc0, 0x00, 0x00, 0x55, 0xd5, ...range(16, (j) => 0x11 * j)]);
    const y = new Float32Array(32);
    dequantizeRowQ5_1(Uint8Array.from(bytes), y);
    const want = [...range(16, (j) => j - 2), ...range(16, (j) => (j === 15 ? 29 : j % 2 === 0 ? 14 + j : j - 2))];
    expect([...y]).toEqual(want);
  });

  it('Q8_0 / Q4_0 decoders read the scale first and the levels after it', () => {
    const y8 = new Float32Array(32);
    dequantizeRowQ8_0(Uint8Array.from([0x00, 0x40, ...range(32, (j) => (j - 16) & 0xff)]), y8); // d = 2
    expect([...y8]).toEqual(range(32, (j) => 2 * (j - 16)));
    const y4 = new Float32Array(32);
    dequantizeRowQ4_0(Uint8Array.from([0x00, 0x38, ...range(16, (j) => j | ((15 - j) << 4))]), y4); // d = 0.5
    expect([...y4]).toEqual([...range(16, (j) => (j - 8) / 2), ...range(16, (j) => (7 - j) / 2)]);
  });

  it('Q6_K: ql/qh/int8 scales/d-last layout decodes element e as d·sc[e/16]·(q_e − 32)', () => {
    // Build the block from the documented layout: q_e = (7·e + 3) mod 64, sc[k] = k − 8 (int8),
    // d = 0.25 (fp16 0x3400) in the LAST two bytes (208, 209).
    const q = range(256, (e) => (7 * e + 3) % 64);
    const block = new Uint8Array(210);
    for (let h = 0; h < 2; h++) {
      for (let l = 0; l < 32; l++) {
        const [a, b, c, e] = [0, 32, 64, 96].map((k) => q[128 * h + k + l]);
        block[64 * h + l] = (a & 15) | ((c & 15) << 4);
        block[64 * h + 32 + l] = (b & 15) | ((e & 15) << 4);
        block[128 + 32 * h + l] = (a >> 4) | ((b >> 4) << 2) | ((c >> 4) << 4) | ((e >> 4) << 6);
      }
    }
    for (let k = 0; k < 16; k++) block[192 + k] = (k - 8) & 0xff;
    block[208] = 0x00;
    block[209] = 0x34;
    const y = new Float32Array(256);
    dequantizeRowQ6_K(block, y);
    expect([...y]).toEqual(range(256, (e) => 0.25 * ((e >> 4) - 8) * (q[e] - 32)));
  });

  it('Q6_K: an all-zero super-block is 210 zero bytes (ggml memsets it, d = 0)', () => {
    const out = new Uint8Array(210).fill(0xee);
    quantizeRowQ6_K(new Float32Array(256), out);
    expect([...out]).toEqual(new Array(210).fill(0));
  });

  it('Q4_K: d, dmin, 6-bit packed scales/mins, then low/high nibbles per 64 values', () => {
    // d = 1 (00 3C), dmin = 0.5 (00 38). Sub-block j has scale sc_j = j + 1 and min m_j = 2j + 40
    // (j ≥ 4 exercises the split 4+2-bit packing). q_e = e mod 16.
    // Element e = 64c + 32h + l: byte 16 + 32c + l, nibble h; value = sc·q − 0.5·m.
    const sc = range(8, (j) => j + 1);
    const mn = range(8, (j) => 2 * j + 40);
    const block = new Uint8Array(144);
    block[1] = 0x3c;
    block[3] = 0x38;
    for (let j = 0; j < 4; j++) {
      block[4 + j] = sc[j] | ((sc[j + 4] >> 4) << 6);
      block[8 + j] = mn[j] | ((mn[j + 4] >> 4) << 6);
      block[12 + j] = (sc[j + 4] & 15) | ((mn[j + 4] & 15) << 4);
    }
    for (let c = 0; c < 4; c++) {
      for (let l = 0; l < 32; l++) block[16 + 32 * c + l] = ((64 * c + l) % 16) | (((64 * c + 32 + l) % 16) << 4);
    }
    const y = new Float32Array(256);
    dequantizeRowQ4_K(block, y);
    expect([...y]).toEqual(range(256, (e) => sc[e >> 5] * (e % 16) - 0.5 * mn[e >> 5]));
  });
});
