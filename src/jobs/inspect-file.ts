/** Describe a model file: one row per tensor, and totals. */
import { numel } from '../tensor/shape.js';
import { type AnyTensorEntry, openAnyModelFile } from './open-any.js';

export interface InspectReport {
  path: string;
  format: string;
  tensors: AnyTensorEntry[];
  totals: { tensors: number; elements: number; bytes: number; bitsPerWeight: number };
  metadata: Record<string, unknown>;
}

export async function inspectFile(path: string): Promise<InspectReport> {
  const f = await openAnyModelFile(path);
  try {
    const elements = f.entries.reduce((a, e) => a + numel(e.shape), 0);
    const bytes = f.entries.reduce((a, e) => a + e.bytes, 0);
    return {
      path,
      format: f.format,
      tensors: f.entries,
      totals: { tensors: f.entries.length, elements, bytes, bitsPerWeight: elements === 0 ? 0 : (bytes * 8) / elements },
      metadata: f.metadata,
    };
  } finally {
    await f.close();
  }
}
