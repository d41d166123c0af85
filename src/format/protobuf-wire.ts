/**
 * A minimal protobuf wire-format cursor, enough to walk ONNX files: varints
 * (as safe numbers or as 64-bit lo/hi halves), length-delimited fields as
 * views, fixed32/fixed64, and skipping. Every length is checked against the
 * bytes that remain, so a hostile file can only produce FormatErrors — no
 * allocation is driven by a length field, and there is no recursion.
 */
import { FormatError } from '../errors/index.js';

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

export interface WireTag {
  field: number;
  wire: number;
}

export class WireCursor {
  pos: number;
  readonly end: number;
  readonly bytes: Uint8Array;
  /** Names the message being read, for error messages (`model.graph.initializer[3]`). */
  readonly what: string;

  constructor(bytes: Uint8Array, what: string, start = 0, end = bytes.byteLength) {
    this.bytes = bytes;
    this.what = what;
    this.pos = start;
    this.end = end;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  fail(field: string, msg: string): never {
    throw new FormatError(`${this.what}.${field}`, `${msg} (at byte ${this.pos})`);
  }

  /** The next field's tag. Groups (wire types 3/4) and field 0 are refused. */
  tag(): WireTag {
    const v = this.varint('tag');
    const wire = v % 8;
    const field = Math.floor(v / 8);
    if (field === 0) this.fail('tag', 'field number 0 is invalid');
    if (wire !== WIRE_VARINT && wire !== WIRE_FIXED64 && wire !== WIRE_LEN && wire !== WIRE_FIXED32) {
      this.fail(`field${field}`, `unsupported wire type ${wire}`);
    }
    return { field, wire };
  }

  /** A varint that must fit a non-negative safe integer (lengths, enums, dims). */
  varint(field: string): number {
    const [lo, hi] = this.varint64(field);
    if (hi > 0x1fffff) this.fail(field, `varint ${hi >>> 0}:${lo >>> 0} does not fit a non-negative safe integer`);
    return hi * 2 ** 32 + lo;
  }

  /** A varint as its low and high 32 bits (both unsigned). */
  varint64(field: string): [number, number] {
    let lo = 0;
    let hi = 0;
    const b = this.bytes;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.fail(field, 'varint runs past the end of the message');
      const byte = b[this.pos++];
      if (i < 4) lo |= (byte & 0x7f) << (7 * i);
      else if (i === 4) {
        lo |= (byte & 0x0f) << 28;
        hi |= (byte & 0x70) >>> 4;
      } else hi |= (byte & 0x7f) << (7 * i - 32);
      if ((byte & 0x80) === 0) {
        if (i === 9 && byte > 1) this.fail(field, 'varint overflows 64 bits');
        return [lo >>> 0, hi >>> 0];
      }
    }
    return this.fail(field, 'varint longer than 10 bytes');
  }

  /** An int32 field (negative values come as 10-byte sign-extended varints). */
  int32(field: string): number {
    return this.varint64(field)[0] | 0;
  }

  /** A length-delimited field's bytes, as a view. */
  bytesField(field: string): Uint8Array {
    const n = this.varint(field);
    if (n > this.end - this.pos) this.fail(field, `length ${n} runs past the end of the message (${this.end - this.pos} bytes left)`);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** [start, end) of a length-delimited field within `bytes`. */
  span(field: string): [number, number] {
    const n = this.varint(field);
    if (n > this.end - this.pos) this.fail(field, `length ${n} runs past the end of the message (${this.end - this.pos} bytes left)`);
    const s = this.pos;
    this.pos += n;
    return [s, this.pos];
  }

  string(field: string): string {
    const v = this.bytesField(field);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(v);
    } catch (cause) {
      throw new FormatError(`${this.what}.${field}`, 'is not valid UTF-8', { cause });
    }
  }

  /** Step over one field's value of the given wire type. */
  skip(t: WireTag): void {
    switch (t.wire) {
      case WIRE_VARINT:
        this.varint64(`field${t.field}`);
        return;
      case WIRE_FIXED64:
        this.advance(8, `field${t.field}`);
        return;
      case WIRE_FIXED32:
        this.advance(4, `field${t.field}`);
        return;
      default:
        this.span(`field${t.field}`);
    }
  }

  advance(n: number, field: string): void {
    if (n > this.end - this.pos) this.fail(field, `needs ${n} bytes, ${this.end - this.pos} left`);
    this.pos += n;
  }

  /** Require a wire type for a known field. */
  expect(t: WireTag, wire: number, field: string): void {
    if (t.wire !== wire) this.fail(field, `has wire type ${t.wire}, expected ${wire}`);
  }
}

/** Number of varints in a packed run (every byte without the continuation bit ends one). */
export function countPackedVarints(v: Uint8Array, what: string): number {
  let n = 0;
  for (let i = 0; i < v.length; i++) if ((v[i] & 0x80) === 0) n++;
  if (v.length > 0 && (v[v.length - 1] & 0x80) !== 0) throw new FormatError(what, 'packed varints end in the middle of a value');
  return n;
}
