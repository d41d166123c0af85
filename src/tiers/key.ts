/** Validation of tier keys, shared by every driver. */
import { ArgumentError } from '../errors/index.js';
import { MAX_KEY_BYTES, type TierPutOptions } from './driver.js';

const encoder = new TextEncoder();
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The key's UTF-8 bytes; throws ArgumentError naming what is wrong. */
export function checkKey(key: unknown): Uint8Array {
  if (typeof key !== 'string') throw new ArgumentError(`key must be a string, got ${typeof key}`);
  const bytes = encoder.encode(key);
  if (bytes.length === 0) throw new ArgumentError('key must not be empty');
  if (bytes.length > MAX_KEY_BYTES) throw new ArgumentError(`key must be at most ${MAX_KEY_BYTES} bytes of UTF-8, got ${bytes.length}`);
  if (key.includes('\0')) throw new ArgumentError('key must not contain NUL');
  // A lone surrogate would be stored as U+FFFD and come back as another key.
  if (LONE_SURROGATE.test(key)) throw new ArgumentError('key must be well-formed UTF-16 (no lone surrogates)');
  return bytes;
}

/** Blobs are Uint8Arrays; throws ArgumentError naming what was passed instead. */
export function checkBlob(blob: unknown): asserts blob is Uint8Array {
  if (!(blob instanceof Uint8Array)) {
    const what = blob === null ? 'null' : typeof blob === 'object' ? (blob.constructor?.name ?? 'object') : typeof blob;
    throw new ArgumentError(`blob must be a Uint8Array, got ${what}`);
  }
}

/** `options.crc32` of a put when given (a u32), else undefined; throws ArgumentError naming a bad one. */
export function checkCrcOption(options: TierPutOptions | undefined): number | undefined {
  if (options === undefined) return undefined;
  if (options === null || typeof options !== 'object') throw new ArgumentError(`options must be an object, got ${options === null ? 'null' : typeof options}`);
  const crc = options.crc32;
  if (crc !== undefined && !(Number.isInteger(crc) && crc >= 0 && crc <= 0xffffffff)) {
    throw new ArgumentError(`options.crc32 must be an integer from 0 to 0xffffffff, got ${String(crc)}`);
  }
  return crc;
}
