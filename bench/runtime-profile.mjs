/**
 * A driver for profiling the runtime's hot path (not part of `npm run bench`):
 *   npm run build && node --cpu-prof --cpu-prof-dir=/tmp/prof bench/runtime-profile.mjs [trips|sends|blob|stream|blob1m|all] [seconds]
 * Runs one worker echo actor (bench/runtime-actors.mjs) against the built
 * runtime and prints the rate it reached. Worker threads write their own
 * profiles when the flag is passed to them (`PROFILE_WORKER=1`).
 */
import { ActorSystem, worker } from '../dist/src/runtime/index.js';

const what = process.argv[2] ?? 'all';
const seconds = Number(process.argv[3] ?? 3);
const execArgv = process.env.PROFILE_WORKER ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : [];
const system = new ActorSystem({
  name: 'prof',
  root: { children: [{ id: 'echo', start: worker(new URL('./runtime-actors.mjs', import.meta.url), 'echo', undefined, { health: false, execArgv }) }] },
});
await system.start();
const actor = system.ref('prof/echo');

async function loop(name, once, per) {
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < seconds * 1000) {
    await once();
    n += per;
  }
  console.log(`${name}: ${((n * 1000) / (performance.now() - t0)).toFixed(0)} /s`);
}

if (what === 'trips' || what === 'all') {
  let i = 0;
  await loop('round trips', () => actor.call({ i: i++ }), 1);
}
if (what === 'sends' || what === 'all') {
  await loop('sends', async () => {
    for (let i = 0; i < 256; i++) actor.send({ n: i });
    await actor.call('flush');
  }, 256);
}
if (what === 'blob' || what === 'all') {
  let blob = new ArrayBuffer(64 << 20);
  new Uint8Array(blob).fill(1);
  await loop('64 MiB round trips', async () => {
    blob = (await actor.call({ blob }, { transfer: [blob] })).blob;
  }, 1);
}
if (what === 'stream' || what === 'all') {
  let set = [];
  for (let i = 0; i < 64; i++) set.push(new ArrayBuffer(16));
  await loop('blob stream (16-byte blobs, 64 per burst)', async () => {
    for (const b of set) actor.send({ keep: b }, [b]);
    set = (await actor.call('flush')).blobs;
  }, 64);
}
if (what === 'blob1m' || what === 'all') {
  // The bench's 1 MiB stream: 64 one-way sends each moving a 1 MiB blob, one call moving them back.
  let set = [];
  for (let i = 0; i < 64; i++) {
    const b = new ArrayBuffer(1 << 20);
    new Uint8Array(b).fill(1);
    set.push(b);
  }
  await loop('1 MiB blob stream (64 per burst)', async () => {
    for (const b of set) actor.send({ keep: b }, [b]);
    set = (await actor.call('flush')).blobs;
  }, 64);
}
await system.stop();
