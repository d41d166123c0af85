/**
 * Bounds-checked byte cursors for variable-size payloads. The writer fills a
 * buffer allocated once at the codec's upper bound; the reader throws
 * FormatError (naming the codec and field) on any read past the end, so a
 * malformed payload can never index out of range or loop on garbage lengths.
 */
import { CodecError, FormatError } from '../../errors/index.js';

export class ByteWriter {
  readonly bytes: Uint8Array;
  pos = 0;

  constructor(capacity: number) {
    this.bytes = new Uint8Array(capacity);
  }

  private room(n: number): void {
    // The capacity is the codec's declared bound; overflowing it is a codec bug.
    if (this.pos + n > this.bytes.length) throw new CodecError(`payload exceeds its bound of ${this.bytes.length} bytes`);
  }

  u8(v: number): void {
    this.room(1);
    this.bytes[this.pos++] = v;
  }

  u32(v: number): void {
    this.room(4);
    const b = this.bytes;
    b[this.pos] = v & 255;
    b[this.pos + 1] = (v >>> 8) & 255;
    b[this.pos + 2] = (v >>> 16) & 255;
    b[this.pos + 3] = (v >>> 24) & 255;
    this.pos += 4;
  }

  /** Unsigned LEB128 (7 bits a byte, low first), for any safe integer. */
  varint(v: number): void {
    while (v >= 128) {
      this.u8((v % 128) | 128);
      v = Math.floor(v / 128);
    }
    this.u8(v);
  }

  copy(src: Uint8Array): void {
    this.room(src.length);
    this.bytes.set(src, this.pos);
    this.pos += src.length;
  }

  /** The next `n` bytes as a view, for callers that write them in place. */
  reserve(n: number): Uint8Array {
    this.room(n);
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** The written bytes (a view of the buffer). */
  result(): Uint8Array {
    return this.bytes.subarray(0, this.pos);
  }
}

/** Bytes a varint of `v` takes. */
export function varintBytes(v: number): number {
  let n = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

export class ByteReader {
  pos = 0;

  constructor(
    readonly bytes: Uint8Array,
    readonly codec: string,
  ) {}

  private need(n: number, field: string): void {
    if (n > this.bytes.length - this.pos) {
      throw new FormatError(`${this.codec}.${field}`, `needs ${n} bytes at offset ${this.pos}; the payload has ${this.bytes.length - this.pos} left`);
    }
  }

  u8(field: string): number {
    this.need(1, field);
    return this.bytes[this.pos++];
  }

  u32(field: string): number {
    this.need(4, field);
    const b = this.bytes;
    const p = this.pos;
    this.pos += 4;
    return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
  }

  /** A varint that must be ≤ max (so a hostile length cannot drive an allocation or a loop). */
  varint(field: string, max: number): number {
    let v = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.u8(field);
      v += (b & 127) * scale;
      if (v > max) throw new FormatError(`${this.codec}.${field}`, `is more than ${max}`);
      if (b < 128) return v;
      scale *= 128;
    }
    throw new FormatError(`${this.codec}.${field}`, 'varint longer than 8 bytes');
  }

  /** The next `n` bytes as a view. */
  take(n: number, field: string): Uint8Array {
    this.need(n, field);
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** Every byte must have been consumed: trailing bytes mean a damaged or foreign payload. */
  end(): void {
    if (this.pos !== this.bytes.length) {
      throw new FormatError(`${this.codec}.payload`, `${this.bytes.length - this.pos} unexpected bytes after the data (payload ends at ${this.pos})`);
    }
  }
}
