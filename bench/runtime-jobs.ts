/** Pool job handlers for the runtime benchmark (run in piscina worker threads). */

/** Returns the blob; a whole top-level ArrayBuffer is moved back, not cloned. */
export function bounce(blob: ArrayBuffer): ArrayBuffer {
  return blob;
}

export function echo(x: unknown): unknown {
  return x;
}

/** Kills its worker thread (restart-latency probe). */
export function crash(): never {
  process.exit(1);
}
