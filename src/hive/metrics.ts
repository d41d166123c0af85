/**
 * Prometheus metrics for a hive, with prom-client, in a Registry of our own
 * (never prom-client's global default: a service may run several hives, or
 * its own metrics, and names must not collide).
 *
 * Two sources: `stats()` snapshots (gauges, and counters for the hive's
 * cumulative totals, advanced by the difference since the last snapshot) and
 * events (put/get ops and bytes, which no snapshot holds). A service calls
 * `text()` on its /metrics route; `text()` takes a fresh snapshot first.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import { ArgumentError } from '../errors/index.js';
import type { HiveEvent, HiveStats } from './types.js';

/** What the exporter needs from a hive (the Hive class, or anything shaped like it). */
export interface MetricsSource {
  stats(): Promise<HiveStats> | HiveStats;
  /** Subscribe; may return an unsubscribe function. */
  on(type: string, fn: (event: HiveEvent) => void): unknown;
}

export interface HiveMetricsOptions {
  /** Metric name prefix (default 'tensorhive_'). */
  prefix?: string;
  /** Register into this registry instead of a new one. */
  registry?: Registry;
}

export interface HiveMetrics {
  readonly registry: Registry;
  /** Take a stats snapshot and update every metric. */
  collect(): Promise<void>;
  /** Prometheus text exposition (collects first). */
  text(): Promise<string>;
  /** The content type to send with `text()`. */
  readonly contentType: string;
  /** Unsubscribe from the hive's events and remove our metrics from the registry. */
  stop(): void;
}

const PREFIX = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** A counter fed from cumulative totals: it advances by the growth since the last value seen. */
class TotalsCounter<L extends string> {
  private readonly last = new Map<string, number>();
  constructor(readonly counter: Counter<L>) {}
  observe(total: number, labels?: Record<L, string>): void {
    if (!Number.isFinite(total) || total < 0) return;
    const id = labels ? JSON.stringify(labels) : '';
    const prev = this.last.get(id) ?? 0;
    this.last.set(id, total);
    // A total that went down means its source restarted from zero: count what it has now.
    const delta = total >= prev ? total - prev : total;
    if (delta > 0) {
      if (labels) this.counter.inc(labels, delta);
      else this.counter.inc(delta);
    }
  }
}

export function hiveMetrics(hive: MetricsSource, options: HiveMetricsOptions = {}): HiveMetrics {
  if (!hive || typeof hive.stats !== 'function' || typeof hive.on !== 'function') {
    throw new ArgumentError('hiveMetrics: hive must have stats() and on(type, fn) methods');
  }
  const prefix = options.prefix ?? 'tensorhive_';
  if (typeof prefix !== 'string' || (prefix !== '' && !PREFIX.test(prefix))) {
    throw new ArgumentError(`options.prefix must match ${PREFIX.source} (a Prometheus metric name prefix), got ${JSON.stringify(prefix)}`);
  }
  if (options.registry !== undefined && !(options.registry instanceof Registry)) {
    throw new ArgumentError('options.registry must be a prom-client Registry');
  }
  const registry = options.registry ?? new Registry();
  const registers = [registry];
  const registeredNames: string[] = [];
  const n = (s: string): string => {
    registeredNames.push(`${prefix}${s}`);
    return `${prefix}${s}`;
  };
  const tierLabels = ['tier', 'kind'] as const;

  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> =>
    new Gauge<L>({ name: n(name), help, labelNames, registers });
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> =>
    new Counter<L>({ name: n(name), help, labelNames, registers });

  const tier = {
    physical: gauge('tier_physical_bytes', 'Encoded (physical) bytes held by the tier', tierLabels),
    footprint: gauge('tier_footprint_bytes', 'Bytes of the tier its blobs take (RAM: whole power-of-two blocks): what its budget is checked against', tierLabels),
    logical: gauge('tier_logical_bytes', 'Uncompressed (logical) bytes of the chunks the tier holds: its effective capacity in use', tierLabels),
    capacity: gauge('tier_capacity_bytes', 'Bytes the tier may hold (its budget)', tierLabels),
    chunks: gauge('tier_chunks', 'Chunks held by the tier', tierLabels),
    up: gauge('tier_up', '1 when the tier actor is running, 0 while it is down or restarting', tierLabels),
    restarts: new TotalsCounter(counter('tier_restarts_total', 'Restarts of the tier actor', tierLabels)),
  };
  const hiveGauges = {
    tensors: gauge('tensors', 'Tensors in the hive'),
    chunks: gauge('chunks', 'Chunks in the hive'),
    expanded: gauge('expanded_bytes', 'Decoded bytes currently held by leases'),
  };
  const totals = {
    moves: new TotalsCounter(counter('moves_total', 'Chunk moves between tiers')),
    hits: new TotalsCounter(counter('hits_total', 'Reads served from a resident (prefetched or cached) chunk')),
    misses: new TotalsCounter(counter('misses_total', 'Reads that had to fetch from a lower tier')),
    stall: new TotalsCounter(counter('stall_seconds_total', 'Seconds readers waited for chunks to arrive')),
    prefetched: new TotalsCounter(counter('prefetched_total', 'Chunks fetched ahead of use')),
    restarts: new TotalsCounter(counter('restarts_total', 'Restarts of hive actors (all tiers)')),
    integrity: new TotalsCounter(counter('integrity_failures_total', 'Blobs that failed their checksum')),
    fallbacks: new TotalsCounter(counter('codec_fallbacks_total', 'Tensors stored raw because their codec kept failing')),
  };
  const codec = {
    attempts: new TotalsCounter(counter('codec_attempts_total', 'Encode attempts per codec', ['codec'] as const)),
    chosen: new TotalsCounter(counter('codec_chosen_total', 'Times a codec was the one picked', ['codec'] as const)),
    bytesIn: new TotalsCounter(counter('codec_bytes_in_total', 'Source bytes of the chunks a codec was picked for', ['codec'] as const)),
    bytesOut: new TotalsCounter(counter('codec_bytes_out_total', 'Encoded bytes a codec wrote', ['codec'] as const)),
    saved: gauge('codec_bytes_saved', 'Source bytes minus encoded bytes, per codec', ['codec'] as const),
  };
  const ops = {
    count: counter('ops_total', 'put/get operations', ['op'] as const),
    bytes: counter('op_bytes_total', 'Logical (uncompressed) bytes put or got', ['op'] as const),
    physical: counter('op_physical_bytes_total', 'Encoded bytes written by put', ['op'] as const),
  };
  // Series exist (at 0) from the start, so rates work from the first scrape.
  for (const op of ['put', 'get'] as const) {
    ops.count.inc({ op }, 0);
    ops.bytes.inc({ op }, 0);
  }
  ops.physical.inc({ op: 'put' }, 0);

  const onEvent = (e: HiveEvent | { type: 'get'; key: string; bytes?: number; logicalBytes?: number }): void => {
    if (e.type === 'put') {
      ops.count.inc({ op: 'put' });
      ops.bytes.inc({ op: 'put' }, Math.max(0, e.logicalBytes));
      ops.physical.inc({ op: 'put' }, Math.max(0, e.bytes));
    } else if (e.type === 'get') {
      ops.count.inc({ op: 'get' });
      const b = e.logicalBytes ?? e.bytes ?? 0;
      if (b > 0) ops.bytes.inc({ op: 'get' }, b);
    }
  };
  const unsubscribers: (() => void)[] = [];
  for (const type of ['put', 'get']) {
    let off: unknown;
    try {
      off = hive.on(type, onEvent as (event: HiveEvent) => void);
    } catch {
      // A hive that does not know this event type (no 'get' events): nothing to count.
      continue;
    }
    if (typeof off === 'function') unsubscribers.push(off as () => void);
  }

  // Tier series whose tier left the report are dropped rather than frozen at their last value.
  let lastTiers = new Set<string>();
  let stopped = false;

  async function collect(): Promise<void> {
    if (stopped) return;
    const s = await hive.stats();
    hiveGauges.tensors.set(s.tensors);
    hiveGauges.chunks.set(s.chunks);
    hiveGauges.expanded.set(s.expandedBytes);
    totals.moves.observe(s.moves);
    totals.hits.observe(s.hits);
    totals.misses.observe(s.misses);
    totals.stall.observe(s.stallMs / 1000);
    totals.prefetched.observe(s.prefetched);
    totals.restarts.observe(s.restarts);
    totals.integrity.observe(s.integrityFailures);
    totals.fallbacks.observe(s.codecFallbacks);
    const seen = new Set<string>();
    for (const t of s.tiers) {
      const labels = { tier: t.name, kind: t.kind };
      seen.add(JSON.stringify(labels));
      tier.physical.set(labels, t.usedBytes);
      tier.footprint.set(labels, t.footprintBytes);
      tier.logical.set(labels, t.logicalBytes);
      tier.capacity.set(labels, t.capacityBytes);
      tier.chunks.set(labels, t.chunks);
      tier.up.set(labels, t.up ? 1 : 0);
      tier.restarts.observe(t.restarts, labels);
    }
    for (const gone of lastTiers) {
      if (seen.has(gone)) continue;
      const labels = JSON.parse(gone) as { tier: string; kind: string };
      for (const g of [tier.physical, tier.footprint, tier.logical, tier.capacity, tier.chunks, tier.up]) g.remove(labels);
    }
    lastTiers = seen;
    for (const r of s.codecs) {
      const labels = { codec: r.codec };
      codec.attempts.observe(r.attempts, labels);
      codec.chosen.observe(r.chosen, labels);
      codec.bytesIn.observe(r.bytesIn, labels);
      codec.bytesOut.observe(r.bytesOut, labels);
      codec.saved.set(labels, r.bytesSaved);
    }
  }

  return {
    registry,
    contentType: registry.contentType,
    collect,
    async text() {
      await collect();
      return registry.metrics();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      for (const off of unsubscribers.splice(0)) off();
      // Only our metrics: a registry handed in may hold the service's own.
      for (const name of registeredNames) registry.removeSingleMetric(name);
    },
  };
}

export type { Registry };
