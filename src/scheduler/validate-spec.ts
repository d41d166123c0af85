/**
 * Checks a TensorSpec before the catalog records it: the chunks must tile
 * the tensor's elements exactly, in index order, with sane byte counts.
 */
import { ArgumentError } from '../errors/index.js';
import { isDType } from '../tensor/dtype.js';
import type { TensorSpec } from './records.js';

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

export function validateTensorSpec(key: string, spec: TensorSpec): void {
  const where = `tensor ${JSON.stringify(key)}`;
  if (!spec || typeof spec !== 'object') throw new ArgumentError(`${where}: spec must be an object`);
  if (!Array.isArray(spec.shape) || !spec.shape.every(isCount)) {
    throw new ArgumentError(`${where}: shape must be an array of non-negative integers, got ${JSON.stringify(spec.shape)}`);
  }
  let elements = 1;
  for (const d of spec.shape) {
    elements *= d;
    if (!Number.isSafeInteger(elements)) throw new ArgumentError(`${where}: shape ${JSON.stringify(spec.shape)} has too many elements`);
  }
  if (!isDType(spec.dtype)) throw new ArgumentError(`${where}: dtype ${JSON.stringify(spec.dtype)} is unknown`);
  if (typeof spec.codec !== 'string' || spec.codec.length === 0) throw new ArgumentError(`${where}: codec must be a codec name`);
  if (!isCount(spec.logicalBytes)) throw new ArgumentError(`${where}: logicalBytes must be a non-negative integer, got ${String(spec.logicalBytes)}`);
  if (!Array.isArray(spec.chunks) || (spec.chunks.length === 0 && elements > 0)) {
    throw new ArgumentError(`${where}: chunks must be a non-empty array`);
  }
  let next = 0;
  spec.chunks.forEach((c, i) => {
    const at = `${where}: chunks[${i}]`;
    if (!c || c.index !== i) throw new ArgumentError(`${at}.index must be ${i}, got ${String(c?.index)}`);
    if (!isCount(c.elementOffset) || c.elementOffset !== next) {
      throw new ArgumentError(`${at}.elementOffset must be ${next} (chunks tile the tensor in order), got ${String(c.elementOffset)}`);
    }
    if (!isCount(c.elements) || c.elements === 0) throw new ArgumentError(`${at}.elements must be a positive integer, got ${String(c.elements)}`);
    if (!isCount(c.blobBytes)) throw new ArgumentError(`${at}.blobBytes must be a non-negative integer, got ${String(c.blobBytes)}`);
    if (!Number.isInteger(c.checksum) || c.checksum < 0 || c.checksum > 0xffffffff) {
      throw new ArgumentError(`${at}.checksum must be a u32, got ${String(c.checksum)}`);
    }
    next += c.elements;
  });
  if (next !== elements) throw new ArgumentError(`${where}: chunks cover ${next} elements, the shape has ${elements}`);
}
