/**
 * Byte planes: plane k holds byte k of every element. For floats the sign bit
 * is first rotated from the top to the bottom of the element (rotl 1), so the
 * top plane of F32/BF16 is exactly the 8 exponent bits (F16: 5 exponent + 3
 * mantissa bits) — the low-entropy plane ZipNN codes — and the sign joins the
 * near-random mantissa planes.
 *
 * splitPlanes / mergePlanes are the TS reference (and the fallback);
 * splitPlanesFast / mergePlaneSources run the native twins
 * (native/src/planes.cc, SIMD per dispatch level) when native kernels are
 * on. mergePlaneSources reads each plane where it already lies (a raw plane
 * inside the payload, a decoded Huffman plane, or a constant byte), so a
 * decode writes every output byte once and copies no plane.
 */
import { type KernelTable, kernels } from '../../kernels/table.js';

/** A plane to merge: its n bytes, or the one byte value every element has there. */
export type PlaneSource = Uint8Array | number;

type PlanesAddon = Pick<KernelTable, 'planesMerge' | 'planesSplit'>;

/** The kernel table when it holds the native plane kernels (native kernels on, an addon that has them). */
function planesAddon(): PlanesAddon | null {
  return kernels.planesMerge && kernels.planesSplit ? kernels : null;
}

/** Rotation is defined for 2- and 4-byte elements only (F16/BF16, F32). */
function rotationFits(P: number, rotate: boolean): boolean {
  return !rotate || P === 2 || P === 4;
}

/** splitPlanes, native when available; the same bytes either way. */
export function splitPlanesFast(src: Uint8Array, n: number, P: number, rotate: boolean, planes: Uint8Array): void {
  const a = planesAddon();
  if (a && P <= 8 && rotationFits(P, rotate) && src.length === n * P && planes.length === n * P) {
    a.planesSplit!(src, P, rotate, planes);
  } else {
    splitPlanes(src, n, P, rotate, planes);
  }
}

/**
 * Merge P = sources.length planes of n elements into `out` (n·P bytes):
 * mergePlanes over the planes the sources describe, native when available.
 */
export function mergePlaneSources(sources: readonly PlaneSource[], n: number, rotate: boolean, out: Uint8Array): void {
  const P = sources.length;
  const a = planesAddon();
  if (a && P <= 8 && rotationFits(P, rotate) && out.length === n * P && sources.every((s) => typeof s === 'number' || s.length === n)) {
    a.planesMerge!(sources, rotate, out);
    return;
  }
  const planes = new Uint8Array(n * P);
  sources.forEach((s, k) => {
    const plane = planes.subarray(k * n, (k + 1) * n);
    if (typeof s === 'number') plane.fill(s);
    else plane.set(s);
  });
  mergePlanes(planes, n, P, rotate, out);
}

/** Split n elements of P bytes into P planes of n bytes (`planes` is P·n bytes). */
export function splitPlanes(src: Uint8Array, n: number, P: number, rotate: boolean, planes: Uint8Array): void {
  if (rotate && P === 2) {
    for (let i = 0; i < n; i++) {
      const v = src[2 * i] | (src[2 * i + 1] << 8);
      const r = ((v << 1) | (v >>> 15)) & 0xffff;
      planes[i] = r & 255;
      planes[n + i] = r >>> 8;
    }
  } else if (rotate && P === 4) {
    for (let i = 0; i < n; i++) {
      const o = 4 * i;
      const v = src[o] | (src[o + 1] << 8) | (src[o + 2] << 16) | (src[o + 3] << 24);
      const r = (v << 1) | (v >>> 31);
      planes[i] = r & 255;
      planes[n + i] = (r >>> 8) & 255;
      planes[2 * n + i] = (r >>> 16) & 255;
      planes[3 * n + i] = r >>> 24;
    }
  } else {
    for (let k = 0; k < P; k++) {
      const base = k * n;
      for (let i = 0; i < n; i++) planes[base + i] = src[i * P + k];
    }
  }
}

/** Inverse of splitPlanes. */
export function mergePlanes(planes: Uint8Array, n: number, P: number, rotate: boolean, out: Uint8Array): void {
  if (rotate && P === 2) {
    for (let i = 0; i < n; i++) {
      const r = planes[i] | (planes[n + i] << 8);
      const v = (r >>> 1) | ((r & 1) << 15);
      out[2 * i] = v & 255;
      out[2 * i + 1] = v >>> 8;
    }
  } else if (rotate && P === 4) {
    for (let i = 0; i < n; i++) {
      const r = planes[i] | (planes[n + i] << 8) | (planes[2 * n + i] << 16) | (planes[3 * n + i] << 24);
      const v = (r >>> 1) | (r << 31);
      const o = 4 * i;
      out[o] = v & 255;
      out[o + 1] = (v >>> 8) & 255;
      out[o + 2] = (v >>> 16) & 255;
      out[o + 3] = v >>> 24;
    }
  } else {
    for (let k = 0; k < P; k++) {
      const base = k * n;
      for (let i = 0; i < n; i++) out[i * P + k] = planes[base + i];
    }
  }
}
