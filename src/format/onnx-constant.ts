/**
 * Weights stored as `Constant` nodes rather than initializers (Paddle2ONNX
 * and some other exporters do this): NodeProto (op_type "Constant", domain ""
 * or "ai.onnx") whose attribute "value" holds a TensorProto in field `t`. The
 * tensor is named after the node's first output (what the graph refers to).
 * Other Constant forms (value_float, value_ints, …) are small scalars/lists
 * and are not read.
 */
import { WIRE_LEN, WireCursor } from './protobuf-wire.js';

export interface ConstantTensor {
  /** The node's first output. */
  output: string;
  /** [start, end) of the TensorProto in the file bytes. */
  span: [number, number];
}

/** NodeProto fields: output 2, op_type 4, attribute 5, domain 7. AttributeProto: name 1, t 5. */
export function readConstantNode(bytes: Uint8Array, span: [number, number], what: string): ConstantTensor | undefined {
  const c = new WireCursor(bytes, what, span[0], span[1]);
  let output: string | undefined;
  let opType = '';
  let domain = '';
  const attributes: [number, number][] = [];
  while (!c.done) {
    const t = c.tag();
    if (t.field === 2) {
      c.expect(t, WIRE_LEN, 'output');
      const o = c.string('output');
      output ??= o;
    } else if (t.field === 4) {
      c.expect(t, WIRE_LEN, 'op_type');
      opType = c.string('op_type');
    } else if (t.field === 7) {
      c.expect(t, WIRE_LEN, 'domain');
      domain = c.string('domain');
    } else if (t.field === 5) {
      c.expect(t, WIRE_LEN, 'attribute');
      attributes.push(c.span('attribute'));
    } else c.skip(t);
  }
  if (opType !== 'Constant' || (domain !== '' && domain !== 'ai.onnx') || !output) return undefined;
  for (const [s, e] of attributes) {
    const a = new WireCursor(bytes, `${what}.attribute`, s, e);
    let name = '';
    let tensor: [number, number] | undefined;
    while (!a.done) {
      const t = a.tag();
      if (t.field === 1) {
        a.expect(t, WIRE_LEN, 'name');
        name = a.string('name');
      } else if (t.field === 5) {
        a.expect(t, WIRE_LEN, 't');
        tensor = a.span('t');
      } else a.skip(t);
    }
    if (name === 'value' && tensor) return { output, span: tensor };
  }
  return undefined;
}
