/**
 * Encoding GGUF metadata values. A value is given either typed
 * (`{ type, value, itemType? }`) or plain, in which case its type is inferred
 * as gguf-py does, adjusted for llama.cpp's key types:
 * string → STRING, boolean → BOOL, bigint → UINT64 (INT64 if negative),
 * integer number → UINT32 if in [0, 2³²), INT32 if in [−2³¹, 0), else INT64;
 * other numbers → FLOAT32 (pass `{ type: FLOAT64 }` to keep all bits);
 * typed arrays → their element type; boolean[] / string[] → BOOL / STRING;
 * number[] → INT32 when all fit, else FLOAT32; nested arrays → ARRAY.
 * An empty plain array has no element type and must be given typed.
 */
import { ArgumentError } from '../errors/index.js';
import { type GgufInput, type GgufTypedValue, GgufValueType, isGgufValueType } from './gguf-types.js';

/** Growable little-endian byte buffer. */
export class ByteWriter {
  private buf = new Uint8Array(4096);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private reserve(n: number): number {
    const at = this.length;
    if (at + n > this.buf.byteLength) {
      let cap = this.buf.byteLength * 2;
      while (cap < at + n) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.buf.subarray(0, at));
      this.buf = next;
      this.view = new DataView(next.buffer);
    }
    this.length += n;
    return at;
  }

  u8(v: number): void {
    const at = this.reserve(1);
    this.view.setUint8(at, v);
  }
  i8(v: number): void {
    const at = this.reserve(1);
    this.view.setInt8(at, v);
  }
  u16(v: number): void {
    const at = this.reserve(2);
    this.view.setUint16(at, v, true);
  }
  i16(v: number): void {
    const at = this.reserve(2);
    this.view.setInt16(at, v, true);
  }
  u32(v: number): void {
    const at = this.reserve(4);
    this.view.setUint32(at, v, true);
  }
  i32(v: number): void {
    const at = this.reserve(4);
    this.view.setInt32(at, v, true);
  }
  f32(v: number): void {
    const at = this.reserve(4);
    this.view.setFloat32(at, v, true);
  }
  f64(v: number): void {
    const at = this.reserve(8);
    this.view.setFloat64(at, v, true);
  }
  u64(v: number | bigint): void {
    const at = this.reserve(8);
    this.view.setBigUint64(at, BigInt(v), true);
  }
  i64(v: number | bigint): void {
    const at = this.reserve(8);
    this.view.setBigInt64(at, BigInt(v), true);
  }
  bytes(b: Uint8Array): void {
    const at = this.reserve(b.byteLength);
    this.buf.set(b, at);
  }
  string(s: string): void {
    const b = new TextEncoder().encode(s);
    this.u64(b.byteLength);
    this.bytes(b);
  }
  zeros(n: number): void {
    const at = this.reserve(n);
    this.buf.fill(0, at, this.length);
  }
  /** The bytes written (a view). */
  result(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

const TYPED_ARRAY_TYPES: [new (...a: never[]) => unknown, GgufValueType][] = [
  [Uint8Array, GgufValueType.UINT8],
  [Int8Array, GgufValueType.INT8],
  [Uint16Array, GgufValueType.UINT16],
  [Int16Array, GgufValueType.INT16],
  [Uint32Array, GgufValueType.UINT32],
  [Int32Array, GgufValueType.INT32],
  [Float32Array, GgufValueType.FLOAT32],
  [Float64Array, GgufValueType.FLOAT64],
  [BigUint64Array, GgufValueType.UINT64],
  [BigInt64Array, GgufValueType.INT64],
];

function typedArrayType(v: unknown): GgufValueType | undefined {
  for (const [ctor, t] of TYPED_ARRAY_TYPES) if (v instanceof ctor) return t;
  return undefined;
}

export function isTypedValue(v: unknown): v is GgufTypedValue {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v) && 'type' in v && 'value' in v;
}

function inferScalar(v: unknown, field: string): GgufValueType {
  switch (typeof v) {
    case 'string':
      return GgufValueType.STRING;
    case 'boolean':
      return GgufValueType.BOOL;
    case 'bigint':
      return v < 0n ? GgufValueType.INT64 : GgufValueType.UINT64;
    case 'number':
      if (Number.isInteger(v)) {
        if (v >= 0 && v < 2 ** 32) return GgufValueType.UINT32;
        if (v < 0 && v >= -(2 ** 31)) return GgufValueType.INT32;
        if (Number.isSafeInteger(v)) return GgufValueType.INT64;
      }
      return GgufValueType.FLOAT32;
  }
  throw new ArgumentError(`${field} must be a string, number, bigint, boolean or array, got ${v === null ? 'null' : typeof v}`);
}

function inferArrayItem(v: unknown[] | ArrayBufferView, field: string): GgufValueType {
  const t = typedArrayType(v);
  if (t !== undefined) return t;
  if (!Array.isArray(v)) throw new ArgumentError(`${field} is an unsupported array view`);
  if (v.length === 0) throw new ArgumentError(`${field} is an empty array; give it as { type: ARRAY, itemType, value: [] }`);
  const first = v[0];
  if (Array.isArray(first) || ArrayBuffer.isView(first) || isTypedValue(first)) return GgufValueType.ARRAY;
  if (typeof first === 'number') {
    return v.every((x) => Number.isInteger(x) && (x as number) >= -(2 ** 31) && (x as number) < 2 ** 31)
      ? GgufValueType.INT32
      : GgufValueType.FLOAT32;
  }
  return inferScalar(first, `${field}[0]`);
}

function checkInt(v: unknown, lo: number | bigint, hi: number | bigint, field: string, type: string): void {
  const ok =
    (typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi) ||
    (typeof v === 'bigint' && v >= BigInt(lo) && v <= BigInt(hi));
  if (!ok) throw new ArgumentError(`${field} must be an integer in [${lo}, ${hi}] for ${type}, got ${String(v)}`);
}

/** Write one value of type `t` (no type tag). */
function writeValue(w: ByteWriter, t: GgufValueType, v: unknown, field: string, itemType?: GgufValueType, depth = 0): void {
  switch (t) {
    case GgufValueType.UINT8:
      checkInt(v, 0, 255, field, 'UINT8');
      return w.u8(Number(v));
    case GgufValueType.INT8:
      checkInt(v, -128, 127, field, 'INT8');
      return w.i8(Number(v));
    case GgufValueType.UINT16:
      checkInt(v, 0, 65535, field, 'UINT16');
      return w.u16(Number(v));
    case GgufValueType.INT16:
      checkInt(v, -32768, 32767, field, 'INT16');
      return w.i16(Number(v));
    case GgufValueType.UINT32:
      checkInt(v, 0, 2 ** 32 - 1, field, 'UINT32');
      return w.u32(Number(v));
    case GgufValueType.INT32:
      checkInt(v, -(2 ** 31), 2 ** 31 - 1, field, 'INT32');
      return w.i32(Number(v));
    case GgufValueType.UINT64:
      checkInt(v, 0n, 2n ** 64n - 1n, field, 'UINT64');
      return w.u64(v as number | bigint);
    case GgufValueType.INT64:
      checkInt(v, -(2n ** 63n), 2n ** 63n - 1n, field, 'INT64');
      return w.i64(v as number | bigint);
    case GgufValueType.FLOAT32:
    case GgufValueType.FLOAT64:
      if (typeof v !== 'number') throw new ArgumentError(`${field} must be a number, got ${typeof v}`);
      return t === GgufValueType.FLOAT32 ? w.f32(v) : w.f64(v);
    case GgufValueType.BOOL:
      if (typeof v !== 'boolean') throw new ArgumentError(`${field} must be a boolean, got ${typeof v}`);
      return w.u8(v ? 1 : 0);
    case GgufValueType.STRING:
      if (typeof v !== 'string') throw new ArgumentError(`${field} must be a string, got ${typeof v}`);
      return w.string(v);
    case GgufValueType.ARRAY: {
      if (depth > 4) throw new ArgumentError(`${field} nests arrays deeper than 4`);
      if (!Array.isArray(v) && !ArrayBuffer.isView(v)) throw new ArgumentError(`${field} must be an array`);
      const arr = v as unknown as ArrayLike<unknown>;
      const item = itemType ?? inferArrayItem(arr as unknown[], field);
      if (!isGgufValueType(item)) throw new ArgumentError(`${field}.itemType must be a GGUF value type, got ${String(item)}`);
      w.u32(item);
      w.u64(arr.length);
      for (let i = 0; i < arr.length; i++) {
        const x = arr[i];
        if (item === GgufValueType.ARRAY && isTypedValue(x)) {
          if (x.type !== GgufValueType.ARRAY) throw new ArgumentError(`${field}[${i}] must be an array`);
          writeValue(w, GgufValueType.ARRAY, x.value, `${field}[${i}]`, x.itemType, depth + 1);
        } else {
          writeValue(w, item, x, `${field}[${i}]`, undefined, depth + 1);
        }
      }
      return;
    }
  }
  throw new ArgumentError(`${field} has unknown GGUF value type ${String(t)}`);
}

/** Write a KV pair: key, type tag, value. */
export function writeKv(w: ByteWriter, key: string, raw: GgufInput): void {
  const field = `metadata[${JSON.stringify(key)}]`;
  w.string(key);
  if (isTypedValue(raw)) {
    if (!isGgufValueType(raw.type)) throw new ArgumentError(`${field}.type must be a GGUF value type (0–12), got ${String(raw.type)}`);
    w.u32(raw.type);
    writeValue(w, raw.type, raw.value, field, raw.itemType);
    return;
  }
  const t = Array.isArray(raw) || ArrayBuffer.isView(raw) ? GgufValueType.ARRAY : inferScalar(raw, field);
  w.u32(t);
  writeValue(w, t, raw, field);
}
