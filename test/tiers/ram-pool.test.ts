/** The RAM tier's size-class pool: reuse, splitting, merging, fragmentation figures, options. */
import { describe, expect, it } from 'vitest';
import { ArgumentError, CapacityError } from '../../src/errors/index.js';
import { Rng } from '../../src/random/rng.js';
import { RamSlabs, RamTier } from '../../src/tiers/ram/index.js';

const MiB = 1024 * 1024;

describe('ram tier pool', () => {
  it('reuses freed blocks of the same class and merges buddies back to whole slabs', async () => {
    const slabs = RamSlabs.create({ capacityBytes: 2 * MiB, slabBytes: MiB });
    const tier = new RamTier({ slabs });
    await tier.start();
    const empty = await tier.stats();
    expect(empty.extra!.freeBytes).toBe(2 * MiB);
    expect(empty.extra!.fragmentation).toBe(0.5); // two separate 1 MiB slabs
    const rng = new Rng(11);
    for (let i = 0; i < 64; i++) await tier.put(`k${i}`, rng.bytes(3000)); // 4 KiB class each
    let st = await tier.stats();
    expect(st.footprintBytes).toBe(64 * 4096);
    expect(st.extra!.slackBytes).toBe(64 * 4096 - 64 * 3000);
    for (let i = 0; i < 64; i += 2) await tier.delete(`k${i}`);
    st = await tier.stats();
    expect(st.extra!.freeBytes).toBe(2 * MiB - 32 * 4096);
    // 32 single-block holes between live blocks: none merges, the largest free block is slab 2.
    expect(st.extra!.fragmentation).toBeCloseTo(1 - MiB / (2 * MiB - 32 * 4096), 12);
    expect(st.extra!.freeBlocks).toBeGreaterThanOrEqual(33);
    const reusesBefore = st.extra!.reuses;
    for (let i = 0; i < 64; i += 2) await tier.put(`r${i}`, rng.bytes(2000));
    st = await tier.stats();
    expect(st.extra!.reuses - reusesBefore).toBe(32); // every hole filled without a split
    expect(st.footprintBytes).toBe(64 * 4096);
    for (const k of await tier.keys()) await tier.delete(k);
    st = await tier.stats();
    expect(st.extra!.freeBytes).toBe(2 * MiB);
    expect(st.extra!.largestFreeBlock).toBe(MiB); // fully merged again
    expect(st.extra!.freeBlocks).toBe(2);
  });

  it('covers a slab that is not a power of two with aligned blocks', async () => {
    const slabs = RamSlabs.create({ capacityBytes: 3 * 4096 + 64 * 1024, slabBytes: 3 * 4096 + 64 * 1024 });
    const tier = new RamTier({ slabs });
    await tier.start();
    expect((await tier.stats()).extra!.freeBlocks).toBe(3); // 64 KiB + 8 KiB + 4 KiB
    await tier.put('a', new Uint8Array(40_000));
    await expect(tier.put('b', new Uint8Array(40_000))).rejects.toBeInstanceOf(CapacityError);
    await tier.put('c', new Uint8Array(5000));
    await tier.put('d', new Uint8Array(100));
    await expect(tier.put('e', new Uint8Array(100))).rejects.toBeInstanceOf(CapacityError);
    const again = new RamTier({ slabs });
    await again.start();
    expect((await again.keys()).sort()).toEqual(['a', 'c', 'd']);
  });

  it('refuses a blob larger than a slab’s largest block with a CapacityError that says so', async () => {
    const slabs = RamSlabs.create({ capacityBytes: 4 * MiB, slabBytes: MiB });
    const tier = new RamTier({ slabs });
    await tier.start();
    const err = await tier.put('big', new Uint8Array(MiB)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CapacityError);
    expect((err as Error).message).toMatch(/smaller chunks/);
    await tier.put('fits', new Uint8Array(MiB - 64));
  });

  it('checks its options', () => {
    expect(() => RamSlabs.create({ capacityBytes: 1000 })).toThrow(ArgumentError);
    expect(() => RamSlabs.create({ capacityBytes: -4096 })).toThrow(/capacityBytes/);
    expect(() => RamSlabs.create({ capacityBytes: MiB, slabBytes: 5000 })).toThrow(/slabBytes/);
    expect(() => RamSlabs.create({ capacityBytes: MiB, slabBytes: 2 ** 31 })).toThrow(/slabBytes/);
    expect(() => RamSlabs.from({ control: new SharedArrayBuffer(32), slabs: [] })).toThrow(ArgumentError);
    expect(() => new RamTier({ slabs: undefined as unknown as RamSlabs })).toThrow(/options.slabs/);
    expect(() => new RamTier({ name: '', slabs: RamSlabs.create({ capacityBytes: 4096 }) })).toThrow(/options.name/);
  });

  it('reports read and write bandwidth from the copies it made', async () => {
    const tier = new RamTier({ slabs: RamSlabs.create({ capacityBytes: 8 * MiB }) });
    await tier.start();
    expect((await tier.stats()).readMBps).toBeUndefined();
    await tier.put('x', new Rng(1).bytes(4 * MiB));
    await tier.get('x');
    const st = await tier.stats();
    expect(st.writeMBps).toBeGreaterThan(0);
    expect(st.readMBps).toBeGreaterThan(0);
  });
});
