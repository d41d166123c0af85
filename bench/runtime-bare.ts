/**
 * The baseline: a bare worker_threads Worker that posts every message straight
 * back, moving a blob back the way it came. Same message shapes and the same
 * transfers as the actor path, no runtime in between.
 */
import { Worker } from 'node:worker_threads';

const ECHO = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (m) => {
  if (m && m.blob) parentPort.postMessage(m, [m.blob]);
  else parentPort.postMessage(m);
});
`;

export class BareEcho {
  private readonly worker = new Worker(ECHO, { eval: true });
  private waiting: ((m: unknown) => void) | undefined;

  constructor() {
    this.worker.on('message', (m: unknown) => {
      const w = this.waiting;
      this.waiting = undefined;
      w?.(m);
    });
  }

  /** One round trip; `blob` is moved there and back. */
  roundTrip<T>(msg: T, transfer: readonly ArrayBuffer[] = []): Promise<T> {
    return new Promise((resolve) => {
      this.waiting = resolve as (m: unknown) => void;
      this.worker.postMessage(msg, transfer as ArrayBuffer[]);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
