import { defineActor, reply } from 'tensorhive/runtime';

export type Msg = { op: 'add'; n: number } | { op: 'total' } | { op: 'crash' };

/** A counter that lives in its own worker thread. */
export const counterActor = defineActor<number, Msg, number>({
  init: () => 0,
  receive(total, msg) {
    if (msg.op === 'add') return total + msg.n;
    if (msg.op === 'total') return reply(total, total);
    throw new Error('crashed on purpose');
  },
});
