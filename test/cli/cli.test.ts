/** The CLI as a user runs it: a real process, real files, exit codes and messages. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSafetensors } from '../../src/format/safetensors-writer.js';
import { Rng } from '../../src/random/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { tempDir } from '../helpers/tmp.js';

const BIN = fileURLToPath(new URL('../../bin/tensorhive.js', import.meta.url));

function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

let dir: string;
let cleanup: () => Promise<void>;
let model: string;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  model = join(dir, 'in.safetensors');
  const rng = new Rng(5);
  await writeSafetensors(model, {
    'blk.0.attn.weight': Tensor.fromF32(rng.normalArray(64 * 256), [64, 256]),
    'blk.0.norm.weight': Tensor.fromF32(rng.normalArray(256), [256]),
  });
});
afterAll(() => cleanup());

describe('tensorhive CLI', () => {
  it('prints help, and exits 2 on no command or an unknown one', () => {
    expect(cli('--help')).toMatchObject({ code: 0 });
    expect(cli('--help').stdout).toMatch(/tensorhive compress/);
    expect(cli().code).toBe(2);
    const r = cli('frobnicate');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command "frobnicate"/);
  });

  it('compress -> inspect --json -> decompress', () => {
    const out = join(dir, 'out.thive');
    const c = cli('compress', model, '-o', out, '--codec', 'q4_0', '--min-elements', '1000');
    expect(c.stderr).toMatch(/compress 2\/2/); // piped: plain progress lines
    expect(c.code).toBe(0);
    expect(c.stdout).toMatch(/blk\.0\.attn\.weight/);
    const i = cli('inspect', out, '--json');
    expect(i.code).toBe(0);
    const info = JSON.parse(i.stdout);
    expect(info.tensors.map((t: { storedAs: string }) => t.storedAs)).toEqual(['q4_0', 'F32']);
    expect(info.tensors[0].bitsPerWeight).toBeGreaterThan(4.5);
    expect(info.tensors[0].bitsPerWeight).toBeLessThan(6);
    const d = cli('decompress', out, '-o', join(dir, 'back.safetensors'));
    expect(d.code).toBe(0);
    expect(cli('inspect', join(dir, 'back.safetensors')).stdout).toMatch(/blk\.0\.attn\.weight\s+\[64x256\]\s+F32/);
  });

  it('names what is wrong: missing file, bad codec, bad option, malformed file', async () => {
    const missing = cli('inspect', join(dir, 'nope.safetensors'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope\.safetensors/);

    const badCodec = cli('compress', model, '-o', join(dir, 'x.thive'), '--codec', 'q3_zz');
    expect(badCodec.code).toBe(2);
    expect(badCodec.stderr).toMatch(/unknown codec "q3_zz"/);

    const badOpt = cli('compress', model, '-o', join(dir, 'x.thive'), '--codec', 'q8_0', '--min-elements', '-3');
    expect(badOpt.code).toBe(2);
    expect(badOpt.stderr).toMatch(/--min-elements/);

    const junk = join(dir, 'junk.safetensors');
    await writeFile(junk, Buffer.from('this is not a model file at all, not even close'));
    const mal = cli('inspect', junk);
    expect(mal.code).toBe(1);
    expect(mal.stderr).toMatch(/^tensorhive inspect: /);
    expect(mal.stderr).not.toMatch(/internal error/);

    const unsupported = cli('compress', model, '-o', join(dir, 'x.gguf'), '--codec', 'nf4');
    expect(unsupported.code).toBe(2);
    expect(unsupported.stderr).toMatch(/GGUF has no type/);
    expect((await readdir(dir)).filter((f) => f.startsWith('x.') || f.startsWith('.x.'))).toEqual([]);
  });

  it('bench --json prints one object with the baseline and a row per codec', () => {
    const r = cli('bench', '--json', '--codec', 'q8_0', '--codec', 'nf4', '--min-time', '1');
    expect(r.code).toBe(0);
    const b = JSON.parse(r.stdout);
    expect(b.baseline.memcpyMBps).toBeGreaterThan(0);
    expect(b.codecs.map((c: { codec: string }) => c.codec)).toEqual(['q8_0', 'nf4']);
    for (const c of b.codecs) {
      for (const k of ['ratio', 'bitsPerWeight', 'sqnrDb', 'mse', 'encodeMBps', 'decodeMBps']) expect(typeof c[k]).toBe('number');
    }
    expect(b.codecs[0].bitsPerWeight).toBeCloseTo(8.5, 5);
  });
});
