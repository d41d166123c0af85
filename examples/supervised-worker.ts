/**
 * A Node service embedding a supervised worker actor: call it, crash it on
 * purpose, watch the supervisor restart it, call the replacement, stop.
 * Run: npm run build && npx tsx examples/supervised-worker.ts (imports the built package)
 */
import { ActorSystem, worker, type ActorRef } from 'tensorhive/runtime';
import type { Msg } from './supervised-worker/counter-actor.js';

const system = new ActorSystem({
  root: {
    strategy: 'one_for_one',
    children: [{ id: 'counter', start: worker(new URL('./supervised-worker/counter-actor.ts', import.meta.url), 'counterActor') }],
  },
});
system.subscribe((e) => {
  if (e.type === 'exit') console.log(`exit    ${e.actor}: ${e.reason}`);
  if (e.type === 'restart') console.log(`restart ${e.child} by ${e.supervisor}`);
});

await system.start();
const counter: ActorRef<Msg, number> = system.ref('root/counter');
counter.send({ op: 'add', n: 40 });
console.log('total before crash:', await counter.call({ op: 'total' }));
await counter.call({ op: 'crash' }).catch((e: Error) => console.log('crash call rejected:', e.message));
counter.send({ op: 'add', n: 2 }); // stashed while the worker restarts
console.log('total after restart:', await counter.call({ op: 'total' }));
await system.stop();
console.log('stopped:', system.stateOf('root'));
