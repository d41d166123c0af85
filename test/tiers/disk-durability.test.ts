/**
 * Disk tier durability: a put acknowledged under fsync 'always' survives the
 * death of its process (SIGKILL), and each fsync policy fsyncs when it says.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SimulatedClock } from '../../src/clock/index.js';
import { Rng } from '../../src/random/rng.js';
import { DiskTier } from '../../src/tiers/disk/index.js';
import { tempDir } from '../helpers/tmp.js';
import { writerValue } from './fixtures/disk-values.js';

const WRITER = fileURLToPath(new URL('./fixtures/disk-writer.ts', import.meta.url));

async function fsyncs(tier: DiskTier): Promise<number> {
  return (await tier.stats()).extra!.fsyncs;
}

/** Let pending I/O callbacks run (bounded; no wall-clock waiting). */
async function drain(until: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 10_000 && !(await until()); i++) await new Promise((r) => setImmediate(r));
}

describe('disk tier durability', () => {
  it('every put acknowledged with fsync always survives SIGKILL of the process', async () => {
    const { dir, cleanup } = await tempDir();
    let child: ReturnType<typeof spawn> | undefined;
    try {
      // One process (no tsx CLI wrapper in between), so SIGKILL hits the writer itself.
      const proc = spawn(process.execPath, ['--import', 'tsx', WRITER, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
      child = proc;
      let acked = -1;
      let err = '';
      proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const exited = new Promise<NodeJS.Signals | null>((resolve) => proc.on('exit', (_code, signal) => resolve(signal)));
      await new Promise<void>((resolve, reject) => {
        let buf = '';
        proc.stdout.on('data', (d: Buffer) => {
          buf += d.toString();
          for (const m of buf.matchAll(/ack (\d+)\n/g)) acked = Math.max(acked, Number(m[1]));
          buf = buf.slice(buf.lastIndexOf('\n') + 1);
          if (acked >= 40) {
            proc.kill('SIGKILL'); // right after a put resolved, while the next one is in flight
            resolve();
          }
        });
        proc.on('exit', () => (acked >= 40 ? resolve() : reject(new Error(`writer exited early: ${err}`))));
      });
      expect(await exited).toBe('SIGKILL');
      const tier = new DiskTier({ dir, capacityBytes: 1 << 30, segmentBytes: 256 * 1024 });
      await tier.start();
      for (let i = 0; i <= acked; i++) {
        const got = await tier.get(`k${i}`);
        expect(got, `k${i}`).toBeDefined();
        expect(Buffer.from(got!).equals(Buffer.from(writerValue(i))), `k${i}`).toBe(true);
      }
      // Whatever else is there is whole too (a put that finished its write but not its ack).
      for (const k of await tier.keys()) expect(Buffer.from((await tier.get(k))!).equals(Buffer.from(writerValue(Number(k.slice(1)))))).toBe(true);
      expect((await tier.stats()).extra!.segments).toBeGreaterThan(1); // rotation happened under the writer
      await tier.stop();
    } finally {
      child?.kill('SIGKILL');
      await cleanup();
    }
  });

  it("fsync 'always' fsyncs before every put and delete resolves", async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const tier = new DiskTier({ dir, capacityBytes: 1 << 24, fsync: 'always' });
      await tier.start();
      const rng = new Rng(31);
      for (let i = 1; i <= 10; i++) {
        await tier.put(`a${i}`, rng.bytes(100));
        expect(await fsyncs(tier)).toBe(i);
      }
      await tier.delete('a1');
      expect(await fsyncs(tier)).toBe(11);
      // Concurrent puts share fsyncs (group commit): never more than one each, all resolved durable.
      await Promise.all(Array.from({ length: 20 }, (_, i) => tier.put(`c${i}`, rng.bytes(1000))));
      const n = await fsyncs(tier);
      expect(n).toBeGreaterThan(11);
      expect(n).toBeLessThanOrEqual(31);
      await tier.stop();
    } finally {
      await cleanup();
    }
  });

  it("fsync 'batch' fsyncs at most once per batch interval and on sync()", async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const clock = new SimulatedClock();
      const tier = new DiskTier({ dir, capacityBytes: 1 << 24, fsync: 'batch', batchMs: 100, clock });
      await tier.start();
      const rng = new Rng(32);
      for (let i = 0; i < 10; i++) await tier.put(`b${i}`, rng.bytes(100));
      expect(await fsyncs(tier)).toBe(0);
      clock.advance(99);
      await drain(async () => false);
      expect(await fsyncs(tier)).toBe(0);
      clock.advance(1);
      await drain(async () => (await fsyncs(tier)) === 1);
      expect(await fsyncs(tier)).toBe(1);
      // Nothing written since: the interval passes without an fsync.
      clock.advance(500);
      await drain(async () => false);
      expect(await fsyncs(tier)).toBe(1);
      for (let i = 0; i < 5; i++) await tier.put(`d${i}`, rng.bytes(100));
      await tier.sync();
      expect(await fsyncs(tier)).toBe(2);
      await tier.stop();
    } finally {
      await cleanup();
    }
  });

  it("fsync 'none' never fsyncs on its own; sync() still does", async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const clock = new SimulatedClock();
      const tier = new DiskTier({ dir, capacityBytes: 1 << 24, fsync: 'none', segmentBytes: 4096, clock });
      await tier.start();
      const rng = new Rng(33);
      for (let i = 0; i < 20; i++) await tier.put(`n${i}`, rng.bytes(1000)); // several rotations
      clock.advance(10_000);
      await drain(async () => false);
      const st = await tier.stats();
      expect(st.extra!.segments).toBeGreaterThan(3);
      expect(st.extra!.fsyncs).toBe(0);
      await tier.sync();
      expect(await fsyncs(tier)).toBe(1);
      await tier.stop();
    } finally {
      await cleanup();
    }
  });
});
