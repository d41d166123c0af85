/** Seeded payload mutations for the decoder fuzz tests: bit flips, overwrites, truncations, extensions, splices. */
import type { Rng } from '../../../src/random/rng.js';

export function mutate(src: Uint8Array, rng: Rng): Uint8Array {
  const b = src.slice();
  switch (rng.int(6)) {
    case 0: {
      const i = rng.int(b.length);
      b[i] ^= 1 << rng.int(8);
      return b;
    }
    case 1: {
      for (let k = 1 + rng.int(4); k > 0; k--) b[rng.int(b.length)] = rng.int(256);
      return b;
    }
    case 2:
      return b.subarray(0, rng.int(b.length));
    case 3: {
      const out = new Uint8Array(b.length + 1 + rng.int(8));
      out.set(b);
      out.set(rng.bytes(out.length - b.length), b.length);
      return out;
    }
    case 4: {
      // Overwrite a header-ish byte near the start with an extreme value.
      const i = rng.int(Math.min(b.length, 12));
      b[i] = [0, 1, 2, 3, 127, 128, 255][rng.int(7)];
      return b;
    }
    default: {
      const i = rng.int(b.length);
      const j = rng.int(b.length);
      return Uint8Array.from([...b.subarray(0, Math.min(i, j)), ...b.subarray(Math.max(i, j))]);
    }
  }
}
