/**
 * One ONNX TensorProto: its header (name, dims, data type, where the values
 * are) read without touching the values, and its values decoded into
 * little-endian element bytes of the matching tensorhive dtype. The element
 * count always comes from the stored values and must equal the product of
 * dims, so the output is never larger than the values justify (≤ 8× a
 * varint-coded field).
 */
import { FormatError } from '../errors/index.js';
import { type DType, dtypeInfo } from '../tensor/dtype.js';
import { MAX_DIMS } from '../tensor/shape.js';
import { type OnnxDataType, type OnnxValueField, TP, VALUE_FIELD_NUMBER, onnxDataType } from './onnx-types.js';
import { WIRE_FIXED32, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT, WireCursor, countPackedVarints } from './protobuf-wire.js';

export interface OnnxTensorHeader {
  name: string;
  dims: number[];
  dataType: OnnxDataType;
  /** Why the tensor cannot be read (unsupported type, external data), or undefined. */
  unsupported?: string;
  dtype?: DType;
  byteLength: number;
  /** [start, end) of raw_data within the file bytes, when present. */
  raw?: [number, number];
  /** [start, end) of the TensorProto within the file bytes. */
  span: [number, number];
}

/** Values stored in a typed field: its element count, from one scan. */
function countValues(c: WireCursor, wire: number, field: OnnxValueField): number {
  const unit = field === 'float_data' ? 4 : field === 'double_data' ? 8 : 0;
  if (wire === WIRE_LEN) {
    const v = c.bytesField(field);
    if (unit === 0) return countPackedVarints(v, `${c.what}.${field}`);
    if (v.length % unit !== 0) c.fail(field, `packed length ${v.length} is not a multiple of ${unit}`);
    return v.length / unit;
  }
  const want = unit === 4 ? WIRE_FIXED32 : unit === 8 ? WIRE_FIXED64 : WIRE_VARINT;
  c.expect({ field: 0, wire }, want, field);
  c.skip({ field: 0, wire });
  return 1;
}

/** `name` overrides the TensorProto's own name (Constant nodes: the node's output). */
export function readTensorHeader(bytes: Uint8Array, span: [number, number], what: string, name?: string): OnnxTensorHeader {
  const c = new WireCursor(bytes, what, span[0], span[1]);
  const dims: number[] = [];
  let dataTypeId: number | undefined;
  let raw: [number, number] | undefined;
  let external = false;
  const counts = new Map<number, number>();
  while (!c.done) {
    const t = c.tag();
    switch (t.field) {
      case TP.dims: {
        if (t.wire === WIRE_LEN) {
          const [s, e] = c.span('dims');
          const d = new WireCursor(bytes, what, s, e);
          while (!d.done) dims.push(d.varint('dims'));
        } else {
          c.expect(t, WIRE_VARINT, 'dims');
          dims.push(c.varint('dims'));
        }
        if (dims.length > MAX_DIMS) c.fail('dims', `has more than ${MAX_DIMS} dimensions`);
        break;
      }
      case TP.dataType:
        c.expect(t, WIRE_VARINT, 'data_type');
        dataTypeId = c.int32('data_type');
        break;
      case TP.name:
        c.expect(t, WIRE_LEN, 'name');
        {
          const own = c.string('name');
          name ??= own;
        }
        break;
      case TP.rawData:
        c.expect(t, WIRE_LEN, 'raw_data');
        if (raw) c.fail('raw_data', 'appears twice');
        raw = c.span('raw_data');
        break;
      case TP.dataLocation:
        c.expect(t, WIRE_VARINT, 'data_location');
        external = c.int32('data_location') === 1 || external;
        break;
      case TP.externalData:
        c.skip(t);
        external = true;
        break;
      case TP.segment:
        c.fail('segment', 'segmented tensors are not supported');
        break;
      case TP.floatData:
      case TP.int32Data:
      case TP.int64Data:
      case TP.doubleData: {
        const field = (Object.keys(VALUE_FIELD_NUMBER) as OnnxValueField[]).find((k) => VALUE_FIELD_NUMBER[k] === t.field)!;
        counts.set(t.field, (counts.get(t.field) ?? 0) + countValues(c, t.wire, field));
        break;
      }
      case TP.stringData:
      case TP.uint64Data:
        counts.set(t.field, (counts.get(t.field) ?? 0) + 1);
        c.skip(t);
        break;
      default:
        c.skip(t); // doc_string and fields from newer ONNX versions
    }
  }
  if (name === undefined || name === '') throw new FormatError(`${what}.name`, 'is missing or empty');
  const label = `${what} (${JSON.stringify(name)})`;
  if (dataTypeId === undefined) throw new FormatError(`${label}.data_type`, 'is missing');
  const dataType = onnxDataType(dataTypeId) ?? { onnx: dataTypeId, onnxName: `#${dataTypeId}` };
  let n = 1;
  for (const d of dims) {
    n *= d;
    if (!Number.isSafeInteger(n)) throw new FormatError(`${label}.dims`, `[${dims.join(', ')}] has more elements than a safe integer`);
  }
  const base = { name, dims, dataType, span, byteLength: 0 };
  if (external) return { ...base, unsupported: 'external data (data_location EXTERNAL) is not supported' };
  if (!dataType.dtype || !dataType.field) return { ...base, unsupported: `ONNX data type ${dataType.onnxName} has no tensorhive dtype` };
  const dtype = dataType.dtype;
  const byteLength = n * dtypeInfo(dtype).bytes;
  const typed = counts.get(VALUE_FIELD_NUMBER[dataType.field]) ?? 0;
  for (const [field, k] of counts) {
    if (field !== VALUE_FIELD_NUMBER[dataType.field] && k > 0) throw new FormatError(`${label}.field${field}`, `holds values that a ${dataType.onnxName} tensor does not use`);
  }
  if (raw) {
    if (typed > 0) throw new FormatError(`${label}.raw_data`, `and ${dataType.field} are both present`);
    if (raw[1] - raw[0] !== byteLength) {
      throw new FormatError(`${label}.raw_data`, `has ${raw[1] - raw[0]} bytes, dims [${dims.join(', ')}] of ${dataType.onnxName} need ${byteLength}`);
    }
  } else if (typed !== n) {
    throw new FormatError(`${label}.${dataType.field}`, `has ${typed} values, dims [${dims.join(', ')}] need ${n}`);
  }
  return { ...base, dtype, byteLength, ...(raw ? { raw } : {}) };
}

const INT_RANGE: Partial<Record<DType, [number, number]>> = {
  U8: [0, 255],
  I8: [-128, 127],
  BOOL: [0, 1],
  F8_E4M3: [0, 255],
  F8_E5M2: [0, 255],
  I16: [-32768, 32767],
  F16: [0, 65535],
  BF16: [0, 65535],
  I32: [-(2 ** 31), 2 ** 31 - 1],
};

/** The tensor's element bytes (a fresh copy), little-endian. */
export function readTensorValues(bytes: Uint8Array, h: OnnxTensorHeader, what: string): Uint8Array {
  if (h.unsupported || !h.dtype || !h.dataType.field) throw new FormatError(what, `tensor ${JSON.stringify(h.name)}: ${h.unsupported ?? 'unsupported'}`);
  if (h.raw) return bytes.slice(h.raw[0], h.raw[1]);
  const out = new Uint8Array(h.byteLength);
  const dv = new DataView(out.buffer);
  const field = h.dataType.field;
  const number = VALUE_FIELD_NUMBER[field];
  const elem = dtypeInfo(h.dtype).bytes;
  const range = INT_RANGE[h.dtype];
  let k = 0; // elements written
  const c = new WireCursor(bytes, what, h.span[0], h.span[1]);
  const putVarint = (cur: WireCursor): void => {
    if (field === 'int64_data') {
      const [lo, hi] = cur.varint64(field);
      dv.setUint32(k * 8, lo, true);
      dv.setUint32(k * 8 + 4, hi, true);
    } else {
      const v = cur.int32(field);
      if (v < range![0] || v > range![1]) cur.fail(field, `value ${v} is out of range for ${h.dtype}`);
      if (elem === 1) out[k] = v & 0xff;
      else if (elem === 2) dv.setUint16(k * 2, v & 0xffff, true);
      else dv.setInt32(k * 4, v, true);
    }
    k++;
  };
  while (!c.done) {
    const t = c.tag();
    if (t.field !== number) {
      c.skip(t);
      continue;
    }
    if (field === 'float_data' || field === 'double_data') {
      const unit = field === 'float_data' ? 4 : 8;
      const [s, e] = t.wire === WIRE_LEN ? c.span(field) : [c.pos, c.pos + unit];
      if (t.wire !== WIRE_LEN) c.advance(unit, field);
      out.set(bytes.subarray(s, e), k * unit);
      k += (e - s) / unit;
    } else if (t.wire === WIRE_LEN) {
      const [s, e] = c.span(field);
      const d = new WireCursor(bytes, what, s, e);
      while (!d.done) putVarint(d);
    } else putVarint(c);
  }
  return out;
}
