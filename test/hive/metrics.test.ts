import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { ArgumentError } from '../../src/errors/index.js';
import { hiveMetrics } from '../../src/hive/metrics.js';
import type { HiveEvent, HiveStats, TierReport } from '../../src/hive/types.js';

function tierReport(over: Partial<TierReport> & Pick<TierReport, 'name' | 'kind'>): TierReport {
  return { capacityBytes: 1 << 20, usedBytes: 0, footprintBytes: over.usedBytes ?? 0, logicalBytes: 0, chunks: 0, restarts: 0, up: true, ...over };
}

/** A stand-in with the Hive's stats()/on() shape; tests change `stats` and emit events. */
function fakeHive() {
  const listeners = new Map<string, Set<(e: HiveEvent) => void>>();
  const state: { stats: HiveStats } = {
    stats: {
      tensors: 2,
      chunks: 3,
      tiers: [
        tierReport({ name: 'ram', kind: 'ram', usedBytes: 1000, footprintBytes: 4096, logicalBytes: 4000, chunks: 2 }),
        tierReport({ name: 'disk', kind: 'disk', capacityBytes: 1 << 30, usedBytes: 500, logicalBytes: 2000, chunks: 1 }),
      ],
      moves: 4,
      hits: 10,
      misses: 2,
      stallMs: 1500,
      prefetched: 3,
      restarts: 1,
      integrityFailures: 0,
      codecFallbacks: 0,
      expandedBytes: 0,
      codecs: [{ codec: 'q4_0', attempts: 3, chosen: 3, bytesIn: 6000, bytesOut: 1500, avgRatio: 4, bytesSaved: 4500, ms: 1 }],
    },
  };
  return {
    state,
    hive: {
      stats: async () => structuredClone(state.stats),
      on(type: string, fn: (e: HiveEvent) => void) {
        if (!listeners.has(type)) listeners.set(type, new Set());
        listeners.get(type)!.add(fn);
        return () => listeners.get(type)!.delete(fn);
      },
    },
    emit(e: HiveEvent | { type: 'get'; key: string; logicalBytes: number }) {
      for (const fn of listeners.get(e.type) ?? []) fn(e as HiveEvent);
    },
    listenerCount: () => [...listeners.values()].reduce((a, s) => a + s.size, 0),
  };
}

/** The value of one sample line, by metric name and label text. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('hiveMetrics', () => {
  it('exposes per-tier gauges and hive counters in Prometheus text', async () => {
    const f = fakeHive();
    const m = hiveMetrics(f.hive);
    const text = await m.text();
    expect(text).toContain('# TYPE tensorhive_tier_physical_bytes gauge');
    expect(sample(text, 'tensorhive_tier_physical_bytes', '{tier="ram",kind="ram"}')).toBe(1000);
    expect(text).toContain('# TYPE tensorhive_tier_footprint_bytes gauge');
    expect(sample(text, 'tensorhive_tier_footprint_bytes', '{tier="ram",kind="ram"}')).toBe(4096);
    expect(sample(text, 'tensorhive_tier_footprint_bytes', '{tier="disk",kind="disk"}')).toBe(500);
    expect(sample(text, 'tensorhive_tier_logical_bytes', '{tier="ram",kind="ram"}')).toBe(4000);
    expect(sample(text, 'tensorhive_tier_capacity_bytes', '{tier="disk",kind="disk"}')).toBe(1 << 30);
    expect(sample(text, 'tensorhive_tier_chunks', '{tier="disk",kind="disk"}')).toBe(1);
    expect(sample(text, 'tensorhive_tier_up', '{tier="ram",kind="ram"}')).toBe(1);
    expect(sample(text, 'tensorhive_moves_total')).toBe(4);
    expect(sample(text, 'tensorhive_hits_total')).toBe(10);
    expect(sample(text, 'tensorhive_misses_total')).toBe(2);
    expect(sample(text, 'tensorhive_stall_seconds_total')).toBe(1.5);
    expect(sample(text, 'tensorhive_codec_attempts_total', '{codec="q4_0"}')).toBe(3);
    expect(sample(text, 'tensorhive_codec_bytes_saved', '{codec="q4_0"}')).toBe(4500);
    expect(m.contentType).toContain('text/plain');
    m.stop();
  });

  it('counters follow the cumulative totals across snapshots and never go down', async () => {
    const f = fakeHive();
    const m = hiveMetrics(f.hive);
    await m.collect();
    f.state.stats.hits = 25;
    f.state.stats.tiers[0].restarts = 2;
    f.state.stats.tiers[0].up = false;
    let text = await m.text();
    expect(sample(text, 'tensorhive_hits_total')).toBe(25);
    expect(sample(text, 'tensorhive_tier_restarts_total', '{tier="ram",kind="ram"}')).toBe(2);
    expect(sample(text, 'tensorhive_tier_up', '{tier="ram",kind="ram"}')).toBe(0);
    // The source restarted from zero (a new hive behind the same exporter): counted on top.
    f.state.stats.hits = 5;
    text = await m.text();
    expect(sample(text, 'tensorhive_hits_total')).toBe(30);
    m.stop();
  });

  it('counts put and get operations and bytes from events', async () => {
    const f = fakeHive();
    const m = hiveMetrics(f.hive);
    f.emit({ type: 'put', key: 'a', chunks: 1, bytes: 100, logicalBytes: 400 });
    f.emit({ type: 'put', key: 'b', chunks: 2, bytes: 50, logicalBytes: 200 });
    f.emit({ type: 'get', key: 'a', logicalBytes: 400 });
    const text = await m.text();
    expect(sample(text, 'tensorhive_ops_total', '{op="put"}')).toBe(2);
    expect(sample(text, 'tensorhive_ops_total', '{op="get"}')).toBe(1);
    expect(sample(text, 'tensorhive_op_bytes_total', '{op="put"}')).toBe(600);
    expect(sample(text, 'tensorhive_op_physical_bytes_total', '{op="put"}')).toBe(150);
    expect(sample(text, 'tensorhive_op_bytes_total', '{op="get"}')).toBe(400);
    m.stop();
  });

  it('drops the series of a tier that left the report', async () => {
    const f = fakeHive();
    const m = hiveMetrics(f.hive);
    await m.collect();
    f.state.stats.tiers = f.state.stats.tiers.filter((t) => t.kind !== 'disk');
    const text = await m.text();
    expect(sample(text, 'tensorhive_tier_chunks', '{tier="disk",kind="disk"}')).toBeUndefined();
    expect(sample(text, 'tensorhive_tier_chunks', '{tier="ram",kind="ram"}')).toBe(2);
    m.stop();
  });

  it('uses its own registry (or the given one, with a prefix) and stop() cleans up', async () => {
    const f = fakeHive();
    const shared = new Registry();
    const a = hiveMetrics(f.hive, { registry: shared, prefix: 'svc_hive_' });
    expect(a.registry).toBe(shared);
    expect(await shared.metrics()).toContain('svc_hive_tier_up');
    const b = hiveMetrics(f.hive); // a second exporter does not collide: its own registry
    expect(b.registry).not.toBe(shared);
    expect(f.listenerCount()).toBe(4);
    a.stop();
    b.stop();
    expect(f.listenerCount()).toBe(0);
    expect(await shared.metrics()).not.toContain('svc_hive_');
  });

  it('rejects bad arguments with typed errors', () => {
    const f = fakeHive();
    expect(() => hiveMetrics({} as never)).toThrow(ArgumentError);
    expect(() => hiveMetrics(f.hive, { prefix: '9bad-' })).toThrow(/options\.prefix/);
    expect(() => hiveMetrics(f.hive, { registry: {} as never })).toThrow(/options\.registry/);
  });
});

describe('hiveMetrics on a real Hive', () => {
  it('reports what the hive holds and counts its puts', async () => {
    const { Hive } = await import('../../src/hive/index.js');
    const { Tensor } = await import('../../src/tensor/tensor.js');
    const hive = await Hive.start({ tiers: { ram: '4MiB' }, workers: false, codec: 'q8_0' });
    const m = hiveMetrics(hive);
    try {
      await hive.put('w', Tensor.fromF32(new Float32Array(64 * 64).fill(0.5), [64, 64]));
      const stats = await hive.stats();
      const text = await m.text();
      const ram = stats.tiers.find((t) => t.kind === 'ram')!;
      expect(ram.usedBytes).toBeGreaterThan(0);
      expect(sample(text, 'tensorhive_tier_physical_bytes', '{tier="ram",kind="ram"}')).toBe(ram.usedBytes);
      // One q8_0 blob of ~17 KB in one power-of-two RAM block: the footprint is that block.
      expect(ram.footprintBytes).toBeGreaterThan(ram.usedBytes);
      expect(ram.footprintBytes & (ram.footprintBytes - 1)).toBe(0);
      expect(sample(text, 'tensorhive_tier_footprint_bytes', '{tier="ram",kind="ram"}')).toBe(ram.footprintBytes);
      expect(sample(text, 'tensorhive_tier_logical_bytes', '{tier="ram",kind="ram"}')).toBe(64 * 64 * 4);
      expect(sample(text, 'tensorhive_ops_total', '{op="put"}')).toBe(1);
      expect(sample(text, 'tensorhive_op_bytes_total', '{op="put"}')).toBe(64 * 64 * 4);
      expect(sample(text, 'tensorhive_tensors')).toBe(1);
    } finally {
      m.stop();
      await hive.stop();
    }
  });
});
