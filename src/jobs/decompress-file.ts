/**
 * Decompress a .thive (or GGUF/safetensors) file into a safetensors file with
 * each tensor back in its source dtype, streaming one tensor at a time.
 */
import { ArgumentError, TensorhiveError } from '../errors/index.js';
import { SafetensorsWriter } from '../format/safetensors-writer.js';
import { outputFormatOf } from './output-sink.js';
import { openAnyModelFile, writableDtype } from './open-any.js';

export interface DecompressOptions {
  onProgress?: (p: { done: number; total: number; name: string }) => void;
  signal?: AbortSignal;
}

export interface DecompressReport {
  input: string;
  output: string;
  tensors: number;
  bytesOut: number;
}

export async function decompressFile(input: string, output: string, options: DecompressOptions = {}): Promise<DecompressReport> {
  if (outputFormatOf(output) !== 'safetensors') throw new ArgumentError(`decompress writes .safetensors; got ${JSON.stringify(output)}`);
  const src = await openAnyModelFile(input);
  try {
    const infos = src.entries.map((e) => ({ name: e.name, dtype: writableDtype(e.dtype), shape: e.shape }));
    const metadata: Record<string, string> = {};
    for (const [k, v] of Object.entries(src.metadata)) {
      if (typeof v === 'string') metadata[k] = v;
    }
    const w = await SafetensorsWriter.create(output, infos, metadata);
    let bytesOut = 0;
    try {
      for (const [i, info] of infos.entries()) {
        if (options.signal?.aborted) throw new TensorhiveError('ERR_ABORTED', 'decompression job aborted');
        const t = (await src.read(info.name)).to(info.dtype);
        await w.write(info.name, t);
        bytesOut += t.byteLength;
        options.onProgress?.({ done: i + 1, total: infos.length, name: info.name });
      }
      await w.commit();
    } catch (err) {
      await w.abort();
      throw err;
    }
    return { input, output, tensors: infos.length, bytesOut };
  } finally {
    await src.close();
  }
}
