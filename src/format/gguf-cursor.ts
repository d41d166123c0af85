/**
 * A bounds-checked little-endian cursor over a prefix of a GGUF file. Every
 * length and count is checked against the bytes the file has left before
 * anything is allocated for it. Reaching past the prefix (but not the file)
 * throws NeedMoreBytes so the caller can retry with a longer prefix.
 */
import { FormatError } from '../errors/index.js';
import { type GgufArray, type GgufValue, GgufValueType, isGgufValueType, minValueBytes } from './gguf-types.js';

/** Thrown when the prefix is too short; `needed` is the prefix length that would do. */
export class NeedMoreBytes extends Error {
  constructor(readonly needed: number) {
    super(`need ${needed} bytes of header`);
  }
}

const MAX_ARRAY_DEPTH = 4;

export class Cursor {
  pos = 0;
  private readonly view: DataView;
  private readonly text: Buffer;
  constructor(
    private readonly buf: Uint8Array,
    private readonly fileSize: number,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.text = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** Bytes the file has after the cursor. */
  get left(): number {
    return this.fileSize - this.pos;
  }

  /** Field names are built only when an error is thrown (a vocabulary has 10⁵ strings). */
  need(n: number, field: string | (() => string)): void {
    if (n > this.fileSize - this.pos) {
      throw new FormatError(label(field), `file ends at ${this.fileSize} but ${n} more bytes are needed at ${this.pos}`);
    }
    if (this.pos + n > this.buf.byteLength) throw new NeedMoreBytes(this.pos + n);
  }

  u32(field: string): number {
    this.need(4, field);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** A u64 that must be a safe integer (a count, length, dimension or offset). */
  size(field: string | (() => string)): number {
    this.need(8, field);
    const lo = this.view.getUint32(this.pos, true);
    const hi = this.view.getUint32(this.pos + 4, true);
    if (hi >= 0x200000) {
      throw new FormatError(label(field), `${this.view.getBigUint64(this.pos, true)} is too large`);
    }
    this.pos += 8;
    return hi * 0x100000000 + lo;
  }

  string(field: string, index = -1): string {
    const name = (): string => (index < 0 ? field : `${field}[${index}]`);
    const lengthName = (): string => `${name()}.length`;
    const n = this.size(lengthName);
    if (n > this.left) throw new FormatError(lengthName(), `string of ${n} bytes runs past the end of the file`);
    this.need(n, name);
    // Buffer#toString is much cheaper than TextDecoder for the many short strings of a vocabulary.
    const s = this.text.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  /** Copy `count` elements of `size` bytes into a fresh (aligned) buffer. */
  copy(count: number, size: number, field: string): ArrayBuffer {
    const n = count * size;
    this.need(n, field);
    const out = this.buf.slice(this.pos, this.pos + n).buffer;
    this.pos += n;
    return out;
  }

  scalar(t: GgufValueType, field: string): GgufValue {
    const v = this.view;
    switch (t) {
      case GgufValueType.STRING:
        return this.string(field);
      case GgufValueType.ARRAY:
        throw new FormatError(field, 'an array is not a scalar');
    }
    const size = minValueBytes(t);
    this.need(size, field);
    const p = this.pos;
    this.pos += size;
    switch (t) {
      case GgufValueType.UINT8:
        return v.getUint8(p);
      case GgufValueType.INT8:
        return v.getInt8(p);
      case GgufValueType.UINT16:
        return v.getUint16(p, true);
      case GgufValueType.INT16:
        return v.getInt16(p, true);
      case GgufValueType.UINT32:
        return v.getUint32(p, true);
      case GgufValueType.INT32:
        return v.getInt32(p, true);
      case GgufValueType.FLOAT32:
        return v.getFloat32(p, true);
      case GgufValueType.FLOAT64:
        return v.getFloat64(p, true);
      case GgufValueType.BOOL:
        return v.getUint8(p) !== 0;
      case GgufValueType.UINT64:
        return safeOrBig(v.getBigUint64(p, true));
      case GgufValueType.INT64:
        return safeOrBig(v.getBigInt64(p, true));
    }
  }

  array(field: string, depth: number): { value: GgufArray; itemType: GgufValueType } {
    const itemType = this.u32(`${field}.itemType`);
    if (!isGgufValueType(itemType)) throw new FormatError(`${field}.itemType`, `unknown value type ${itemType}`);
    const count = this.size(`${field}.count`);
    if (count * minValueBytes(itemType) > this.left) {
      throw new FormatError(`${field}.count`, `${count} elements cannot fit in the ${this.left} bytes left in the file`);
    }
    switch (itemType) {
      case GgufValueType.UINT8:
        return { itemType, value: new Uint8Array(this.copy(count, 1, field)) };
      case GgufValueType.INT8:
        return { itemType, value: new Int8Array(this.copy(count, 1, field)) };
      case GgufValueType.UINT16:
        return { itemType, value: new Uint16Array(this.copy(count, 2, field)) };
      case GgufValueType.INT16:
        return { itemType, value: new Int16Array(this.copy(count, 2, field)) };
      case GgufValueType.UINT32:
        return { itemType, value: new Uint32Array(this.copy(count, 4, field)) };
      case GgufValueType.INT32:
        return { itemType, value: new Int32Array(this.copy(count, 4, field)) };
      case GgufValueType.FLOAT32:
        return { itemType, value: new Float32Array(this.copy(count, 4, field)) };
      case GgufValueType.FLOAT64:
        return { itemType, value: new Float64Array(this.copy(count, 8, field)) };
      case GgufValueType.UINT64:
        return { itemType, value: new BigUint64Array(this.copy(count, 8, field)) };
      case GgufValueType.INT64:
        return { itemType, value: new BigInt64Array(this.copy(count, 8, field)) };
      case GgufValueType.BOOL: {
        this.need(count, field);
        const out = new Array<boolean>(count);
        for (let i = 0; i < count; i++) out[i] = this.buf[this.pos + i] !== 0;
        this.pos += count;
        return { itemType, value: out };
      }
      case GgufValueType.STRING: {
        const out = new Array<string>(count);
        for (let i = 0; i < count; i++) out[i] = this.string(field, i);
        return { itemType, value: out };
      }
      case GgufValueType.ARRAY: {
        if (depth >= MAX_ARRAY_DEPTH) throw new FormatError(field, `arrays nested deeper than ${MAX_ARRAY_DEPTH}`);
        const out = new Array<GgufArray>(count);
        for (let i = 0; i < count; i++) out[i] = this.array(`${field}[${i}]`, depth + 1).value;
        return { itemType, value: out };
      }
    }
  }
}

function label(field: string | (() => string)): string {
  return typeof field === 'string' ? field : field();
}

function safeOrBig(v: bigint): number | bigint {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v;
}

