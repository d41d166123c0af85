/**
 * The baseline: a bare worker_threads Worker speaking the same message shapes
 * as bench/runtime-actors.mjs, with the same transfers, no runtime in between:
 *  - `{ blob }` is posted straight back, the blob moved back the way it came;
 *  - `{ keep }` is held (its blob moved there), nothing answered;
 *  - `{ n }` is counted, nothing answered (the small one-way stream);
 *  - `'flush'` answers `{ blobs }` with every held blob moved back in one message;
 *  - anything else is posted straight back.
 * Replies come back in order, so a FIFO of waiters pairs them with requests
 * (many may be in flight, like actor calls).
 */
import { Worker } from 'node:worker_threads';

const ECHO = `
const { parentPort } = require('node:worker_threads');
let held = [];
let count = 0;
parentPort.on('message', (m) => {
  if (m === 'flush') {
    const blobs = held;
    held = [];
    parentPort.postMessage({ blobs }, blobs);
  } else if (m && m.keep) held.push(m.keep);
  else if (m && m.n !== undefined) count++;
  else if (m && m.blob) parentPort.postMessage(m, [m.blob]);
  else parentPort.postMessage(m);
});
`;

export class BareEcho {
  private readonly worker = new Worker(ECHO, { eval: true });
  private waiting: ((m: unknown) => void)[] = [];
  private head = 0;

  constructor() {
    this.worker.on('message', (m: unknown) => {
      const w = this.waiting[this.head];
      this.waiting[this.head++] = undefined as never;
      if (this.head === this.waiting.length) {
        this.waiting = [];
        this.head = 0;
      }
      w?.(m);
    });
  }

  /** One request answered by one reply; `transfer` is moved there (and a `blob` back). */
  roundTrip<T>(msg: T, transfer: readonly ArrayBuffer[] = []): Promise<T> {
    return new Promise((resolve) => {
      this.waiting.push(resolve as (m: unknown) => void);
      this.worker.postMessage(msg, transfer as ArrayBuffer[]);
    });
  }

  /** One-way: nothing comes back (used with `{ keep }` and `{ n }`). */
  send(msg: unknown, transfer: readonly ArrayBuffer[] = []): void {
    this.worker.postMessage(msg, transfer as ArrayBuffer[]);
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
