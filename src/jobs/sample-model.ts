/**
 * A small seeded model in safetensors, shaped like a transformer (embeddings,
 * attention and MLP projections, norms), for the demo, the docs and tests.
 * Weights are Gaussian with 1/sqrt(fan_in) scale and a few outlier input
 * channels, as trained weights tend to have.
 */
import { Rng } from '../random/rng.js';
import { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import { writeSafetensors } from '../format/safetensors-writer.js';

export interface SampleModelOptions {
  seed?: number;
  layers?: number;
  hidden?: number;
  /** MLP width; a multiple of 256 keeps every GGML codec applicable. */
  mlp?: number;
  vocab?: number;
}

function matrix(rng: Rng, rows: number, cols: number, dtype: DType): Tensor {
  const x = rng.normalArray(rows * cols, 1 / Math.sqrt(cols));
  // A few outlier input channels (columns), ×8.
  for (let k = 0; k < 3; k++) {
    const c = rng.int(cols);
    for (let r = 0; r < rows; r++) x[r * cols + c] *= 8;
  }
  return Tensor.fromF32As(dtype, x, [rows, cols]);
}

function norm(rng: Rng, n: number): Tensor {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = 1 + 0.05 * rng.normal();
  return Tensor.fromF32(x, [n]);
}

/** The sample model's tensors, by name. */
export function sampleModelTensors(options: SampleModelOptions = {}): Record<string, Tensor> {
  const { seed = 7, layers = 4, hidden = 256, mlp = 768, vocab = 2048 } = options;
  const rng = new Rng(seed);
  const t: Record<string, Tensor> = {};
  t['model.embed_tokens.weight'] = matrix(rng, vocab, hidden, 'F16');
  // Row length 200 is not a multiple of any GGML block: GGML codecs fall back on it.
  t['model.pos_embed.weight'] = matrix(rng, 128, 200, 'F32');
  for (let l = 0; l < layers; l++) {
    const p = `model.layers.${l}`;
    t[`${p}.input_layernorm.weight`] = norm(rng, hidden);
    for (const m of ['q_proj', 'k_proj', 'v_proj', 'o_proj']) t[`${p}.self_attn.${m}.weight`] = matrix(rng, hidden, hidden, 'BF16');
    t[`${p}.post_attention_layernorm.weight`] = norm(rng, hidden);
    t[`${p}.mlp.gate_proj.weight`] = matrix(rng, mlp, hidden, 'F32');
    t[`${p}.mlp.up_proj.weight`] = matrix(rng, mlp, hidden, 'F32');
    t[`${p}.mlp.down_proj.weight`] = matrix(rng, hidden, mlp, 'F32');
  }
  t['model.norm.weight'] = norm(rng, hidden);
  return t;
}

/** Write the sample model to `path` (atomically). */
export async function writeSampleModel(path: string, options: SampleModelOptions = {}): Promise<void> {
  await writeSafetensors(path, sampleModelTensors(options), { generator: 'tensorhive sample model', seed: String(options.seed ?? 7) });
}
