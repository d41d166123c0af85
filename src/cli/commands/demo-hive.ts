/**
 * Part 2 of the demo (issue 6): a hive with small budgets (GPU if a device
 * opens, RAM, and a disk tier in the demo's directory) takes a model several
 * times larger than GPU+RAM, part by part, with a progress bar; a tier
 * actor's worker thread is killed mid-run and restarts with nothing lost;
 * then where every chunk lives, everything read back and verified, and
 * physical vs effective capacity per tier.
 */
import { join } from 'node:path';
import { CapacityError } from '../../errors/index.js';
import { Hive } from '../../hive/hive.js';
import { hiveMetrics } from '../../hive/metrics.js';
import type { HiveStats } from '../../hive/types.js';
import type { TierKind } from '../../tiers/driver.js';
import { Progress } from '../progress.js';
import { formatBytes } from '../table.js';
import { checkTensor, codecFor, expectTensor, modelBytes, modelPart, partCount, type DemoModelShape, type Expected, type TensorCheck } from './demo-model.js';
import { capacityTable, placementTable, verifyTable, type PartPlacement } from './demo-tables.js';

export interface HiveDemoOptions {
  readonly dir: string;
  readonly model: DemoModelShape;
  /** Budgets, e.g. '16MiB'; gpu false leaves the GPU tier out. */
  readonly gpu: string | false;
  readonly ram: string;
  readonly disk: string;
  /** The tier whose worker is killed mid-run. */
  readonly kill: TierKind;
  readonly json: boolean;
}

export interface HiveDemoResult {
  readonly ok: boolean;
  readonly json: Record<string, unknown>;
}

async function startHive(o: HiveDemoOptions, say: (s: string) => void): Promise<Hive> {
  const options = {
    dir: join(o.dir, 'hive'),
    tiers: { gpu: o.gpu, ram: o.ram, disk: o.disk },
    policy: 'offloadToDisk' as const,
    chunkSize: '4MiB',
  };
  if (o.gpu !== false) {
    // The GPU tier runs in a worker thread, whose env changes never reach the C
    // library: Mesa's headless EGL platform has to be set here, before it starts.
    process.env.EGL_PLATFORM ??= 'surfaceless';
  }
  try {
    return await Hive.start(options);
  } catch (err) {
    if (o.gpu === false) throw err;
    say(`GPU tier did not start (${(err as Error).message.split('\n')[0]}): running without a GPU tier`);
    return Hive.start({ ...options, tiers: { ...options.tiers, gpu: false } });
  }
}

/**
 * Runs the demo; if the hive with a GPU tier runs out of room (a CapacityError
 * from put), says so and runs it again without the GPU tier, so the README's
 * main command still shows the rest; the JSON records the fallback.
 */
export async function hiveDemo(o: HiveDemoOptions): Promise<HiveDemoResult> {
  try {
    return await runHiveDemo(o);
  } catch (err) {
    if (o.gpu === false || !(err instanceof CapacityError)) throw err;
    const why = `the hive with a GPU tier failed: ${err.message}`;
    if (!o.json) console.log(`\n${why}\nrunning again without the GPU tier\n`);
    const r = await runHiveDemo({ ...o, gpu: false, dir: join(o.dir, 'no-gpu') });
    return { ok: r.ok, json: { ...r.json, gpuFallback: why } };
  }
}

async function runHiveDemo(o: HiveDemoOptions): Promise<HiveDemoResult> {
  const say = (s: string): void => {
    if (!o.json) console.log(s);
  };
  const t0 = performance.now();
  const hive = await startHive(o, say);
  const metrics = hiveMetrics(hive);
  try {
    for (const n of hive.notices) say(`note: ${n}`);
    const first = await hive.stats();
    const tiers = first.tiers.map((t) => t.kind);
    const fast = first.tiers.filter((t) => t.kind !== 'disk').reduce((a, t) => a + t.capacityBytes, 0);
    const logical = modelBytes(o.model);
    say(`tiers: ${first.tiers.map((t) => `${t.kind} ${formatBytes(t.capacityBytes)}`).join(', ')} (disk in ${join(o.dir, 'hive')})`);
    say(`model: ${o.model.layers} layers, hidden ${o.model.hidden}, mlp ${o.model.mlp}: ${formatBytes(logical)} of weights, ${(logical / fast).toFixed(1)}× the ${tiers.filter((k) => k !== 'disk').join('+')} budgets`);
    say('codecs: MLP projections q4_0, attention and embeddings q8_0, norms and odd-shaped tensors raw\n');

    const events: string[] = [];
    hive.on('restart', (e) => events.push(`restart: the ${e.tier} tier actor restarted after ${e.reason}`));
    hive.on('tier-down', (e) => events.push(`tier down: ${e.tier} (${e.reason})`));
    hive.on('codec-fallback', (e) => events.push(`codec fallback: ${e.key} stored raw (${e.codec}: ${e.reason})`));

    // Put, part by part; the tier's worker is killed halfway, between two puts.
    const parts = partCount(o.model);
    const killAt = Math.floor(parts / 2);
    const keys: string[] = [];
    const expected: Expected[][] = [];
    const progress = new Progress('put');
    let restarted: Promise<void> | undefined;
    let keysBeforeKill = 0;
    let killed = false;
    for (let p = 0; p < parts; p++) {
      const part = modelPart(o.model, p);
      const want: Expected[] = [];
      for (const [key, t] of part.tensors) {
        progress.update(keys.length, keys.length + 1, `${part.name} → ${key}`);
        await hive.put(key, t, { codec: codecFor(key, t) });
        want.push(expectTensor(key, t));
        keys.push(key);
      }
      expected.push(want);
      if (p === killAt && tiers.includes(o.kill)) {
        keysBeforeKill = keys.length;
        restarted = hive.debug.restarted(o.kill);
        hive.debug.killTier(o.kill); // the thread ends at once, like a segfault
        killed = true;
        progress.update(keys.length, keys.length, `killed the ${o.kill} tier's worker thread`);
      }
    }
    progress.update(keys.length, keys.length, 'done');
    progress.done();
    const putSeconds = (performance.now() - t0) / 1000;

    let restartOk = !killed;
    if (killed) {
      restartOk = await Promise.race([restarted!.then(() => true), sleep(30_000).then(() => false)]);
      const after = await hive.stats();
      const tier = after.tiers.find((t) => t.kind === o.kill)!;
      const present = keys.slice(0, keysBeforeKill).filter((k) => hive.has(k)).length;
      say(`killed the ${o.kill} tier's worker thread after ${keysBeforeKill} of ${keys.length} puts:`);
      say(`  ${restartOk ? 'it restarted' : 'it did NOT restart within 30 s'} (restarts: ${tier.restarts}, up: ${tier.up}); ` +
        `the puts after it went on; ${present}/${keysBeforeKill} tensors put before the kill are still in the catalog`);
      restartOk &&= present === keysBeforeKill;
    }
    for (const e of events) say(`  ${e}`);

    // Where every part lives.
    const placement: PartPlacement[] = [];
    for (let p = 0; p < parts; p++) placement.push(placeOf(hive, expected[p].map((e) => e.key), p));
    say('\nwhere every part lives (chunks per tier; a chunk is at most 4 MiB of weights)');
    say(placementTable(placement, tiers));

    // Read everything back and verify it against the regenerated source.
    const checks: TensorCheck[] = [];
    const vp = new Progress('verify');
    for (const e of expected.flat()) {
      vp.update(checks.length, keys.length, e.key);
      checks.push(checkTensor(e, await hive.get(e.key)));
    }
    vp.update(checks.length, keys.length, 'done');
    vp.done();
    const verifySeconds = (performance.now() - t0) / 1000 - putSeconds;
    const allExact = checks.length === keys.length && checks.every((c) => c.exact);
    say('\nread back and verified: dtype, shape and crc32 of every tensor equal to the source (raw) or to the codec\'s');
    say('own round trip of the source (q8_0, q4_0), worked out at put time; SQNR of that round trip against the source');
    say(verifyTable(checks));

    const stats: HiveStats = await hive.stats();
    say('\ncapacity per tier: bytes taken (RAM: whole blocks) and stored vs effective (logical)');
    say(capacityTable(stats));
    const seconds = (performance.now() - t0) / 1000;
    const metricsText = await metrics.text();
    const series = metricsText.split('\n').filter((l) => l && !l.startsWith('#')).length;
    say(`\nmoves ${stats.moves}, restarts ${stats.restarts}, integrity failures ${stats.integrityFailures}, codec fallbacks ${stats.codecFallbacks}; ${series} Prometheus series (hiveMetrics(hive).text())`);
    const ok = allExact && restartOk;
    say(`${ok ? 'OK' : 'FAILED'}: ${checks.filter((c) => c.exact).length}/${keys.length} tensors verified` +
      `${killed ? `, the ${o.kill} tier survived a kill` : ''}; ${seconds.toFixed(1)} s (put ${putSeconds.toFixed(1)} s, read back + verify ${verifySeconds.toFixed(1)} s)`);
    return {
      ok,
      json: {
        tiers: stats.tiers,
        modelBytes: logical,
        tensors: keys.length,
        killed: killed ? { tier: o.kill, afterPuts: keysBeforeKill, restarted: restartOk } : null,
        placement,
        verified: { tensors: checks.length, exact: checks.filter((c) => c.exact).length },
        stats: { moves: stats.moves, restarts: stats.restarts, integrityFailures: stats.integrityFailures, codecFallbacks: stats.codecFallbacks },
        events,
        seconds,
      },
    };
  } finally {
    metrics.stop();
    await hive.stop();
  }
}

/** Chunks per tier of the tensors of one part (from the hive's catalog, through its debug handle). */
function placeOf(hive: Hive, keys: readonly string[], index: number): PartPlacement {
  const byTier: Record<string, number> = {};
  let chunks = 0;
  let physical = 0;
  let logical = 0;
  for (const key of keys) {
    const rec = hive.debug.core.catalog.tensor(key);
    if (!rec) continue;
    logical += rec.logicalBytes;
    for (const c of rec.chunks) {
      chunks++;
      physical += c.blobBytes;
      const where = c.tier ?? 'nowhere';
      byTier[where] = (byTier[where] ?? 0) + 1;
    }
  }
  return { part: index === 0 ? 'embed + norms' : `layer ${index - 1}`, tensors: keys.length, chunks, byTier, physicalBytes: physical, logicalBytes: logical };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

