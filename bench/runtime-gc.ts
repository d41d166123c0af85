/**
 * A minimal repro of the full-GC trap the 1 MiB blob stream falls into (issue 3;
 * docs/runtime.md "Why 1 MiB is slow"), not part of `npm run bench`:
 *   npx tsx bench/runtime-gc.ts [bare|set|map|actor] [MiB=1] [seconds=2]
 * One side per process (a fresh heap each). Every side streams like the bench:
 * a burst of one-way sends each moving a blob to a worker, then one 'flush'
 * answered with all of them moved back. `bare`: plain postMessage. `set` /
 * `map`: bare, plus ONE thing per burst: a long-lived (old-generation) Set /
 * Map gets one key added before the flush and deleted after it, as a
 * pending-call registry does. `actor`: the same stream through the built
 * runtime (dist/).
 *
 * Knobs (environment), each one a cause this file was used to isolate:
 *  - BALLAST=n live objects on the main heap (default 100000, ~10 MB, as a
 *    service has; V8 does not start incremental marking below ~8 MB);
 *  - NOPRE=1 turns off V8's allocation-site pretenuring (process-wide, as
 *    `node --no-allocation-site-pretenuring` does);
 *  - PLAIN=1 builds each sent message without object/array literals, so the
 *    caller's code has no allocation site V8 could pretenure.
 *
 * Prints µs per burst and the main thread's full GCs per burst (run with
 * `node --trace-gc --trace-incremental-marking --trace-pretenuring-statistics
 * --trace-pretenuring --import tsx` for the reasons).
 */
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { BareEcho } from './runtime-bare.js';

if (process.env.NOPRE === '1') setFlagsFromString('--no-allocation-site-pretenuring');
const side = process.argv[2] ?? 'bare';
const mib = Number(process.argv[3] ?? 1);
const seconds = Number(process.argv[4] ?? 2);
const bytes = mib * 2 ** 20;
const count = Math.max(4, Math.min(64, Math.floor(256 / mib)));

// Live ballast: a service-sized old generation (above V8's 8 MB incremental-marking threshold).
const ballast = Array.from({ length: Number(process.env.BALLAST ?? 100_000) }, (_, i) => ({ i, s: `item ${i}` }));

let major = 0;
let minor = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
    if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) major++;
    else if (kind === constants.NODE_PERFORMANCE_GC_MINOR) minor++;
  }
}).observe({ entryTypes: ['gc'] });

/** `{ keep: b }` and `[b]` built without literals (no allocation site to pretenure). */
function plainKeep(b: ArrayBuffer): object {
  const m = Object.create(Object.prototype) as { keep?: ArrayBuffer };
  m.keep = b;
  return m;
}
function plainList(b: ArrayBuffer): ArrayBuffer[] {
  const t = new Array<ArrayBuffer>(1);
  t[0] = b;
  return t;
}

interface Stream {
  send(b: ArrayBuffer): void;
  flush(): Promise<{ blobs: ArrayBuffer[] }>;
  close(): Promise<unknown>;
}

async function open(): Promise<Stream> {
  if (side === 'actor') {
    const { ActorSystem, worker } = await import('../dist/src/runtime/index.js');
    const system = new ActorSystem({
      name: 'gc',
      root: { children: [{ id: 'echo', start: worker(new URL('./runtime-actors.mjs', import.meta.url), 'echo', undefined, { health: false }) }] },
    });
    await system.start();
    const actor = system.ref('gc/echo');
    return {
      send: process.env.PLAIN === '1' ? (b) => actor.send(plainKeep(b), plainList(b)) : (b) => actor.send({ keep: b }, [b]),
      flush: () => actor.call('flush', { timeoutMs: 60_000 }) as Promise<{ blobs: ArrayBuffer[] }>,
      close: () => system.stop(),
    };
  }
  const bare = new BareEcho();
  const registry = side === 'set' ? new Set<number>() : side === 'map' ? new Map<number, number>() : undefined;
  let id = 0;
  return {
    send: (b) => bare.send({ keep: b }, [b]),
    flush: async () => {
      const k = ++id;
      if (registry instanceof Set) registry.add(k);
      else registry?.set(k, k);
      const back = await bare.roundTrip<unknown>('flush', []);
      registry?.delete(k); // the registry is empty again: V8 shrinks its table, allocating in OLD space
      return back as { blobs: ArrayBuffer[] };
    },
    close: () => bare.close(),
  };
}

const s = await open();
let set: ArrayBuffer[] = [];
for (let i = 0; i < count; i++) {
  const b = new ArrayBuffer(bytes);
  new Uint8Array(b).fill(1);
  set.push(b);
}
const burst = async (): Promise<void> => {
  for (let i = 0; i < count; i++) s.send(set[i]);
  set = (await s.flush()).blobs;
};
for (let t0 = performance.now(); performance.now() - t0 < 300; ) await burst(); // warm up, and let the registry age into old space
major = 0;
minor = 0;
let n = 0;
const t0 = performance.now();
while (performance.now() - t0 < seconds * 1000) {
  await burst();
  n++;
}
const ms = performance.now() - t0;
await new Promise((r) => setTimeout(r, 20));
console.log(`${side.padEnd(5)} ${mib} MiB x${count}: ${((ms * 1000) / n).toFixed(0).padStart(5)} µs/burst, main full GCs ${major} (${(major / n).toFixed(2)}/burst), scavenges ${minor}  [ballast ${ballast.length}]`);
await s.close();
