/**
 * Inputs of bench/real-half.ts: the F16/BF16 tensors of model files, grouped
 * per file and dtype, in file order. Readers: .onnx (FLOAT16/BFLOAT16
 * initializers), .safetensors, .gguf (F16/BF16 tensors), and TF.js
 * model.json files whose weights are stored as float16.
 */
import { createRequire } from 'node:module';
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { FormatError } from '../src/errors/index.js';
import { GgufReader } from '../src/format/gguf-reader.js';
import { OnnxReader } from '../src/format/onnx-reader.js';
import { SafetensorsReader } from '../src/format/safetensors-reader.js';
import { TfjsReader } from '../src/format/tfjs-reader.js';

export type Half = 'F16' | 'BF16';
export interface HalfModel {
  name: string;
  dtype: Half;
  tensors: Uint8Array[];
}


const isHalf = (d: string): d is Half => d === 'F16' || d === 'BF16';

/** Half tensors of one file, grouped by dtype (a file may hold both). */
export async function readFile(path: string): Promise<HalfModel[]> {
  const byDtype = new Map<Half, Uint8Array[]>();
  const add = (d: Half, b: Uint8Array): void => {
    if (b.byteLength > 0) byDtype.set(d, [...(byDtype.get(d) ?? []), b]);
  };
  const ext = extname(path);
  if (ext === '.onnx') {
    const r = await OnnxReader.open(path);
    try {
      for (const t of r.tensors) if (isHalf(t.dtype)) add(t.dtype, (await r.read(t.name)).bytes);
    } finally {
      await r.close();
    }
  } else if (ext === '.safetensors') {
    const r = await SafetensorsReader.open(path);
    try {
      for (const t of r.tensors) if (isHalf(t.dtype)) add(t.dtype, await r.readBytes(t.name));
    } finally {
      await r.close();
    }
  } else if (ext === '.gguf') {
    const r = await GgufReader.open(path);
    try {
      for (const t of r.tensors) if (isHalf(t.typeName)) add(t.typeName, await r.readBytes(t.name));
    } finally {
      await r.close();
    }
  } else if (ext === '.json') {
    for (const b of await tfjsFloat16(path)) add('F16', b);
  }
  return [...byDtype].map(([dtype, tensors]) => ({ name: basename(path), dtype, tensors }));
}

/** The float16-stored weights of a TF.js model (src/format/tfjs-reader.ts); other JSON files give none. */
async function tfjsFloat16(path: string): Promise<Uint8Array[]> {
  let r: TfjsReader;
  try {
    r = await TfjsReader.open(path);
  } catch (err) {
    if (err instanceof FormatError && (err.field === 'weightsManifest' || err.field === 'model.json')) return [];
    throw err;
  }
  try {
    const out: Uint8Array[] = [];
    for (const t of r.tensors) if (t.storage === 'float16') out.push(await r.readBytes(t.name));
    return out;
  } finally {
    await r.close();
  }
}

export function inputs(positionals: readonly string[]): string[] {
  let roots = [...positionals];
  if (roots.length === 0) {
    try {
      // The package exports no package.json: resolve its main file (dist/human.node.js) and go up.
      roots = [join(dirname(dirname(createRequire(import.meta.url).resolve('@vladmandic/human'))), 'models')];
    } catch {
      console.error('no input: pass .onnx/.safetensors/.gguf/tfjs model.json paths or folders, or install @vladmandic/human');
      process.exit(2);
    }
  }
  const files: string[] = [];
  const walk = (p: string): void => {
    if (statSync(p).isDirectory()) for (const e of readdirSync(p).sort()) walk(join(p, e));
    else if (['.onnx', '.safetensors', '.gguf', '.json'].includes(extname(p))) files.push(p);
  };
  roots.forEach(walk);
  return files;
}
