/**
 * Pool job handlers for the runtime benchmark (run in piscina worker
 * threads). Plain JS so the pool's workers load no compiler.
 */

/** Returns the blob; a whole top-level ArrayBuffer is moved back, not cloned. */
export function bounce(blob) {
  return blob;
}

export function echo(x) {
  return x;
}

/** Kills its worker thread (restart-latency probe). */
export function crash() {
  process.exit(1);
}
