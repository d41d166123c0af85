/** Validation of tier keys, shared by every driver. */
import { ArgumentError } from '../errors/index.js';
import { MAX_KEY_BYTES } from './driver.js';

const encoder = new TextEncoder();

/** The key's UTF-8 bytes; throws ArgumentError naming what is wrong. */
export function checkKey(key: unknown): Uint8Array {
  if (typeof key !== 'string') throw new ArgumentError(`key must be a string, got ${typeof key}`);
  const bytes = encoder.encode(key);
  if (bytes.length === 0) throw new ArgumentError('key must not be empty');
  if (bytes.length > MAX_KEY_BYTES) throw new ArgumentError(`key must be at most ${MAX_KEY_BYTES} bytes of UTF-8, got ${bytes.length}`);
  if (key.includes('\0')) throw new ArgumentError('key must not contain NUL');
  return bytes;
}
