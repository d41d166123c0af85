/**
 * Worker actors the runtime benchmark starts, each in its own worker thread.
 * Plain JS importing the BUILT runtime (dist/), so a worker (and a restarted
 * one) loads compiled code, never tsx: the bench measures what users run.
 * `echo` speaks the shapes bench/runtime-bare.ts's bare worker speaks:
 * `{ blob }` answered with itself (the blob moved back), `{ keep }` held,
 * `{ n }` counted,
 * `'flush'` answered `{ blobs }` with every held blob moved back, anything
 * else answered as it came; on 'crash' it exits its thread (the
 * restart-latency probe).
 */
import { defineActor, reply } from '../dist/src/runtime/index.js';

export const echo = defineActor({
  init: () => ({ held: [], count: 0 }),
  receive(s, msg) {
    if (msg === 'crash') process.exit(1);
    if (msg === 'flush') {
      const blobs = s.held;
      s.held = [];
      return reply(s, { blobs }, blobs);
    }
    if (typeof msg === 'object' && msg !== null) {
      if (msg.keep) {
        s.held.push(msg.keep);
        return s;
      }
      if (msg.n !== undefined) {
        s.count++;
        return s;
      }
      if (msg.blob) return reply(s, msg, [msg.blob]);
    }
    return reply(s, msg);
  },
});
