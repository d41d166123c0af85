/**
 * The tensorhive model file (.thive): blobs one after another, a JSON index
 * and a fixed-size footer, so one tensor is read without reading the others.
 * Layout in thive-layout.ts and docs/format.md; writer and reader live in
 * their own files and are gathered here.
 */
export { ThiveWriter } from './thive-writer.js';
export { ThiveReader } from './thive-reader.js';
export type { ThiveEntry, ThiveIndex } from './thive-index.js';
export { BytesSource, FileSource, type ThiveSource } from './thive-source.js';
export {
  THIVE_ALIGN,
  THIVE_FOOTER_BYTES,
  THIVE_FOOTER_MAGIC,
  THIVE_HEADER_BYTES,
  THIVE_MAGIC,
  THIVE_VERSION,
} from './thive-layout.js';
