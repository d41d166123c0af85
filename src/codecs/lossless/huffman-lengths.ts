/**
 * Length-limited canonical Huffman codes over bytes. Lengths come from the
 * classic two-queue construction over sorted counts; when the longest code
 * exceeds the limit the counts are halved (non-zero counts stay ≥ 1) and the
 * tree rebuilt — the heuristic zlib-style coders use. With ≤ 256 symbols it
 * converges in a few rounds (all-ones counts give depth 8).
 */

/** Longest code: the decode table has 2^MAX_CODE_BITS entries (4096, 8 KiB). */
export const MAX_CODE_BITS = 12;

/** Code length per byte value (0 = unused) for the byte histogram `counts` (length 256). */
export function huffmanLengths(counts: Float64Array, limit = MAX_CODE_BITS): Uint8Array {
  const lens = new Uint8Array(256);
  const work = Float64Array.from(counts);
  const syms: number[] = [];
  for (let s = 0; s < 256; s++) if (work[s] > 0) syms.push(s);
  const k = syms.length;
  if (k === 0) return lens;
  if (k === 1) {
    lens[syms[0]] = 1;
    return lens;
  }
  const weight = new Float64Array(2 * k - 1);
  const parent = new Int32Array(2 * k - 1);
  const depth = new Uint8Array(2 * k - 1);
  for (;;) {
    syms.sort((a, b) => work[a] - work[b] || a - b);
    for (let i = 0; i < k; i++) weight[i] = work[syms[i]];
    let leaf = 0;
    let inner = k;
    for (let next = k; next < 2 * k - 1; next++) {
      // Take the two lightest of: the next leaf, the next internal node.
      let a: number;
      if (leaf < k && (inner >= next || weight[leaf] <= weight[inner])) a = leaf++;
      else a = inner++;
      let b: number;
      if (leaf < k && (inner >= next || weight[leaf] <= weight[inner])) b = leaf++;
      else b = inner++;
      weight[next] = weight[a] + weight[b];
      parent[a] = next;
      parent[b] = next;
    }
    depth[2 * k - 2] = 0;
    let max = 0;
    for (let node = 2 * k - 3; node >= 0; node--) {
      depth[node] = depth[parent[node]] + 1;
      if (node < k && depth[node] > max) max = depth[node];
    }
    if (max <= limit) {
      for (let i = 0; i < k; i++) lens[syms[i]] = depth[i];
      return lens;
    }
    for (const s of syms) work[s] = Math.max(1, Math.floor(work[s] / 2));
  }
}

/**
 * Canonical codes for `lens` (MSB-first bit order): shorter codes first,
 * equal lengths in symbol order — so only the lengths need to be stored.
 */
export function canonicalCodes(lens: Uint8Array): Uint16Array {
  const blCount = new Uint16Array(MAX_CODE_BITS + 1);
  for (let s = 0; s < 256; s++) if (lens[s] > 0) blCount[lens[s]]++;
  const next = new Uint16Array(MAX_CODE_BITS + 2);
  let code = 0;
  for (let len = 1; len <= MAX_CODE_BITS; len++) {
    code = (code + blCount[len - 1]) << 1;
    next[len] = code;
  }
  const codes = new Uint16Array(256);
  for (let s = 0; s < 256; s++) if (lens[s] > 0) codes[s] = next[lens[s]]++;
  return codes;
}

/** Σ 2^(MAX−len): at most 2^MAX for a prefix code (a complete code equals it). */
export function kraftSum(lens: Uint8Array): number {
  let sum = 0;
  for (let s = 0; s < 256; s++) if (lens[s] > 0) sum += 1 << (MAX_CODE_BITS - lens[s]);
  return sum;
}
