/**
 * Worker actors the runtime benchmark starts, each in its own worker thread.
 * Plain JS importing the BUILT runtime (dist/), so a worker (and a restarted
 * one) loads compiled code, never tsx: the bench measures what users run.
 * `echo` answers a call with the message, moving any blob back; on 'crash'
 * it exits its thread (the restart-latency probe).
 */
import { defineActor, reply } from '../dist/src/runtime/index.js';

export const echo = defineActor({
  init: () => 0,
  receive(n, msg) {
    if (msg === 'crash') process.exit(1);
    if (typeof msg === 'object' && msg !== null && msg.blob) return reply(n + 1, msg, [msg.blob]);
    return reply(n + 1, msg);
  },
});
