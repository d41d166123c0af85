/**
 * Durability 'disk': an acknowledged put survives the death of the whole
 * process. A child process puts tensors and is SIGKILLed right after its
 * acks; a hive restarted on the same directory gets every one back exact.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compressTensor, decompressBlobAs } from '../../src/format/compress.js';
import { Hive } from '../../src/hive/index.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { tempDir } from '../helpers/tmp.js';
import { gaussian, sameBytes } from './fixtures.js';

const child = fileURLToPath(new URL('./fixtures/durable-child.ts', import.meta.url));

function runUntilAcked(dir: string, acks: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let err = '';
    let buf = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const parts = buf.split('\n');
      buf = parts.pop()!;
      lines.push(...parts);
      if (lines.length >= acks) p.kill('SIGKILL');
    });
    p.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve(lines) : reject(new Error(`child exited ${code}: ${err}`))));
  });
}

describe("durability 'disk'", () => {
  it('gets every acknowledged tensor back bit-exact after the process is killed', async () => {
    const { dir, cleanup } = await tempDir('tensorhive-durable-');
    try {
      const lines = await runUntilAcked(dir, 5);
      expect(lines.slice(0, 5)).toEqual(['acked w0', 'acked w1', 'acked w2', 'acked w3', 'acked w0 v2']);
      const hive = await Hive.start({ dir, durability: 'disk', workers: false, tiers: { ram: '1MiB', disk: '64MiB' }, chunkSize: '8KiB' });
      try {
        expect(sameBytes(await hive.get('w0'), gaussian(200, [8, 128]))).toBe(true);
        for (const i of [1, 2, 3]) {
          const src = gaussian(100 + i, [16, 256]);
          // Lossy tensors come back exactly as their codec decodes them, chunk by chunk.
          const want = i % 2 === 0 ? src : expectedQ4(src);
          expect(sameBytes(await hive.get(`w${i}`), want), `w${i}`).toBe(true);
        }
        if (hive.has('late')) expect(sameBytes(await hive.get('late'), gaussian(300, [64, 256]))).toBe(true);
        // Nothing but live chunks and manifests is left on disk.
        const keys = await hive.debug.tierKeys('disk');
        const live = hive.keys().length;
        expect(keys.filter((k) => k.startsWith('m:'))).toHaveLength(live);
        const st = await hive.stats();
        expect(keys.filter((k) => k.startsWith('c:'))).toHaveLength(st.chunks);
      } finally {
        await hive.stop();
      }
    } finally {
      await cleanup();
    }
  });
});

/** Q4_0 of [16, 256] F32 in 8 KiB chunks (8 rows each), decoded: what the hive must return. */
function expectedQ4(src: Tensor): Tensor {
  const out = new Float32Array(src.numel);
  for (let r = 0; r < 16; r += 8) {
    const part = new Tensor('F32', [8, 256], src.toF32().subarray(r * 256, (r + 8) * 256));
    out.set(decompressBlobAs(compressTensor(part, 'q4_0'), 'source').toF32(), r * 256);
  }
  return new Tensor('F32', [16, 256], out);
}
