/**
 * Worker actors the runtime benchmark starts (each in its own worker thread).
 * `echo` answers a call with the message, moving any blob back; `crashy`
 * exits its thread on `crash` (a restart-latency probe).
 */
import { defineActor, reply } from '../src/runtime/index.js';

type EchoMsg = { readonly blob?: ArrayBuffer; readonly i?: number } | 'ping' | 'crash';

export const echo = defineActor<number, EchoMsg, EchoMsg>({
  init: () => 0,
  receive(n, msg) {
    if (msg === 'crash') process.exit(1);
    if (typeof msg === 'object' && msg.blob) return reply(n + 1, msg, [msg.blob]);
    return reply(n + 1, msg);
  },
});
