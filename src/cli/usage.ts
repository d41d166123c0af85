/** CLI usage text and the usage error (exit code 2). */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ArgumentError } from '../errors/index.js';

export const USAGE = `tensorhive — keep tensors compressed

Usage:
  tensorhive demo [--dir <dir>] [--json] [--skip-codecs] [--skip-hive] [--layers <n>] [--hidden <n>]
                  [--gpu <size>|off] [--ram <size>] [--kill ram|disk|gpu]
      1. generate a sample model, compress it with every codec, print the table;
      2. stream a model several times larger than the GPU+RAM budgets into a hive,
         kill a tier worker mid-run, read everything back, verify it, and print
         physical vs effective capacity per tier
  tensorhive compress <in> -o <out> --codec <name> [options]
      <in>: .safetensors, .gguf, .onnx or a TF.js model.json; <out>: .gguf (GGML codecs),
      .safetensors (casts) or .thive (any codec)
      --include <glob>      compress only matching tensors (repeatable)
      --exclude <glob>      never compress matching tensors (repeatable)
      --min-elements <n>    keep smaller tensors as they are
      --fallback <codec>    codec for tensors the main codec cannot take (default raw)
      --param <k=v>         codec parameter, e.g. --param blockSize=128 (repeatable)
      --codec auto          pick a codec per tensor (.thive output) and print why;
        --lossless | --max-error <dB SQNR floor>, --min-ratio <x>, --explain
      --calibration <file>  with --codec awq: safetensors of activations [tokens, in]
                            per layer, named as the weight or its module (no .weight)
      --json                print the report as JSON
  tensorhive decompress <in> -o <out.safetensors>
  tensorhive inspect <file> [--json]
  tensorhive bench [file] [--codec <name>]... [--json] [--min-time <ms>]
  tensorhive codecs [--json]
  tensorhive --version | --help
`;

/** A command-line mistake: printed with the usage hint, exit code 2. */
export class UsageError extends ArgumentError {}

type OptionSpec = { type: 'string' | 'boolean'; multiple?: boolean; short?: string };
type OptionValue<S extends OptionSpec> = S['type'] extends 'boolean'
  ? S['multiple'] extends true ? boolean[] : boolean
  : S['multiple'] extends true ? string[] : string;
export type ParsedArgs<T extends Record<string, OptionSpec>> = {
  values: { [K in keyof T]?: OptionValue<T[K]> };
  positionals: string[];
};

export function parse<T extends Record<string, OptionSpec>>(args: string[], options: T, positionals: number): ParsedArgs<T> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: options as NonNullable<ParseArgsConfig['options']>, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (parsed.positionals.length > positionals) {
    throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[positionals])}`);
  }
  return parsed as unknown as ParsedArgs<T>;
}

/** Parse `k=v` codec parameters; numbers and booleans are typed. */
export function parseParams(list: readonly string[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const item of list ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param must look like key=value, got ${JSON.stringify(item)}`);
    const k = item.slice(0, eq);
    const v = item.slice(eq + 1);
    out[k] = v === 'true' ? true : v === 'false' ? false : v !== '' && Number.isFinite(Number(v)) ? Number(v) : v;
  }
  return out;
}
