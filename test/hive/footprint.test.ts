/**
 * Footprints: stats() reports, beside the blobs' own bytes (usedBytes), the
 * bytes each tier's blobs really take (footprintBytes: the RAM tier's whole
 * power-of-two blocks), and every policy view the hive builds counts RAM
 * chunks at their block size.
 */
import { describe, expect, it } from 'vitest';
import { ramBlockBytes } from '../../src/tiers/ram/index.js';
import { gaussian, hiveStarter } from './fixtures.js';

const start = hiveStarter('tensorhive-footprint-', { workers: false });

describe('hive footprints', () => {
  it('stats() reports RAM blocks taken beside blob bytes; disk takes its blob bytes', async () => {
    const hive = await start({ tiers: { ram: '1MiB', disk: '64MiB' }, chunkSize: '16KiB' });
    // 17 KiB of raw F32: two chunks (16 KiB + 1 KiB); each blob a little over its payload.
    await hive.put('w', gaussian(1, [17, 256]), { codec: 'raw', tier: 'ram' });
    await hive.put('d', gaussian(2, [4, 256]), { codec: 'raw', tier: 'disk' });
    const core = hive.debug.core;
    let blocks = 0;
    for (const c of core.catalog.tensor('w')!.chunks) {
      const block = ramBlockBytes(Buffer.byteLength(core.tierKeyOf(c)), c.blobBytes);
      expect(block & (block - 1), 'a power of two').toBe(0);
      expect(block).toBeGreaterThan(c.blobBytes);
      blocks += block;
    }
    const st = await hive.stats();
    const ram = st.tiers.find((t) => t.kind === 'ram')!;
    const disk = st.tiers.find((t) => t.kind === 'disk')!;
    expect(ram.chunks).toBe(2);
    expect(ram.footprintBytes).toBe(blocks);
    // Each ~8.5 KiB blob (payload + header + key) takes a 16 KiB block.
    expect(ram.footprintBytes).toBe(32 * 1024);
    expect(ram.footprintBytes).toBeGreaterThan(ram.usedBytes);
    expect(disk.footprintBytes).toBe(disk.usedBytes);
    expect(disk.usedBytes).toBeGreaterThan(4 * 1024);

    await hive.delete('w');
    const after = (await hive.stats()).tiers.find((t) => t.kind === 'ram')!;
    expect(after).toMatchObject({ usedBytes: 0, footprintBytes: 0, chunks: 0 });
  });

  it('every policy view counts RAM chunks at their block size', async () => {
    const hive = await start({ tiers: { ram: '1MiB', disk: '64MiB' }, chunkSize: '16KiB' });
    await hive.put('w', gaussian(3, [16, 256]), { codec: 'raw', tier: 'ram' });
    const core = hive.debug.core;
    const c = core.catalog.tensor('w')!.chunks[0];
    const block = ramBlockBytes(Buffer.byteLength(core.tierKeyOf(c)), c.blobBytes);
    const view = core.view();
    expect(view.footprint).toBeDefined();
    expect(view.footprint!('ram', c)).toBe(block);
    expect(view.footprint!('disk', c)).toBe(c.blobBytes);
    expect(view.tiers.find((t) => t.kind === 'ram')!.footprintBytes).toBe(block);
    // A chunk being placed (no id yet) under a known tier key costs that key's block; an unknown key the longest key's.
    const placing = core.view('c:short');
    expect(placing.footprint!('ram', { blobBytes: c.blobBytes })).toBe(ramBlockBytes(Buffer.byteLength('c:short'), c.blobBytes));
    expect(core.view().footprint!('ram', { blobBytes: 100 })).toBeGreaterThanOrEqual(ramBlockBytes(Buffer.byteLength('c:short'), 100));
  });
});
