/**
 * One direction of a thread boundary: envelopes posted through it keep their
 * order, and small ones posted in the same synchronous run are coalesced into
 * one postMessage (one batch, see protocol.ts) — a burst of sends costs one
 * structured clone and one wake-up of the receiving thread instead of one
 * each. The FIRST envelope of a run goes at once (the receiver starts on it
 * while the sender goes on: a lone call pays no extra latency, and work sent
 * before a long synchronous computation is not held back); the ones after it
 * are posted from a microtask when the run ends, or every MAX_BATCH envelopes
 * of a long burst. An envelope that carries blobs is posted at
 * once (after whatever is queued): its ArrayBuffers are detached before
 * `post` returns, as a caller that moved them expects, and a postMessage that
 * refuses them (e.g. an already detached buffer) throws to that caller without
 * taking queued envelopes down with it.
 *
 * Every envelope is encoded when it is posted, so later changes to the message
 * object by the sender are not seen by the receiver (as with postMessage).
 */
import { batchHeader, cut, packEnvelope, type Envelope } from './protocol.js';

export interface PortLike {
  postMessage(value: unknown, transferList?: readonly ArrayBuffer[]): void;
}

/** A batch is posted at once when it reaches this many envelopes or bytes (bounds memory and latency of a long synchronous burst). */
const MAX_BATCH = 256;
const MAX_BATCH_BYTES = 1 << 20;
const NO_MOVES: ArrayBuffer[] = [];

export class Channel {
  private parts = '';
  private count = 0;
  private scheduled = false;
  private closed = false;
  private readonly flushTask = (): void => {
    this.scheduled = false;
    this.flush();
  };

  constructor(private readonly port: PortLike) {}

  /** Queue (or, with blobs, post at once) one envelope. Throws for a bad transfer list or an unencodable message; nothing is queued then. */
  post(env: Envelope, transfer?: readonly ArrayBuffer[]): void {
    if (this.closed) return;
    // The first of a run goes alone at once, so it is packed as a whole batch of one.
    const first = !this.scheduled;
    const s = packEnvelope(env, transfer, first);
    const wire = cut.wire;
    if (wire !== undefined) {
      // Blobs: a batch of one, posted now (after what is queued); `wire` is [h, ...blobs].
      const moved = cut.moved;
      this.flush();
      wire[0] = s;
      this.port.postMessage(wire, moved);
      return;
    }
    if (first) {
      // Nothing is queued when no run is open: posting now keeps the order.
      this.scheduled = true;
      queueMicrotask(this.flushTask);
      this.port.postMessage(s, NO_MOVES);
      return;
    }
    this.parts += s;
    this.count++;
    if (this.count >= MAX_BATCH || this.parts.length >= MAX_BATCH_BYTES) this.flush();
  }

  /** Post whatever is queued now. */
  flush(): void {
    if (this.count === 0 || this.closed) return;
    const h = batchHeader(this.count) + this.parts;
    this.parts = '';
    this.count = 0;
    this.port.postMessage(h, NO_MOVES);
  }

  /** The peer is gone: drop what is queued and ignore later posts. */
  close(): void {
    this.closed = true;
    this.parts = '';
    this.count = 0;
  }
}
