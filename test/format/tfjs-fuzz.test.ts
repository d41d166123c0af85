/**
 * Fuzz over TF.js manifests and shard sizes: seeded mutations of a valid
 * model's JSON values, JSON text bytes, shard lengths, and random re-cuts of
 * the shards (which stay valid). Whatever happens,
 * open + reading every weight either works (and gives tensors of the declared
 * shape, never more bytes than the shards hold) or throws a TensorhiveError.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TensorhiveError } from '../../src/errors/index.js';
import { TfjsReader } from '../../src/format/tfjs-reader.js';
import { Rng } from '../../src/random/rng.js';
import { numel } from '../../src/tensor/shape.js';
import { tempDir } from '../helpers/tmp.js';
import { buildTfjsModel, f16Bytes, f32Bytes, i32Bytes, stringBytes, writeTfjsFiles } from './tfjs-fixtures.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  tmp = await tempDir('tensorhive-tfjs-fuzz-');
});
afterAll(() => tmp.cleanup());

const JUNK: unknown[] = [
  -1, 0, 1, 2, 3, 7, 1.5, 2 ** 31, 2 ** 53, 1e300, -1e300, NaN, '', 'x', '../a.bin', '/abs.bin', 'group1-shard1of2.bin',
  'float32', 'int32', 'bool', 'string', 'complex64', 'uint8', 'uint16', 'float16', null, true, [], [0], [2, 2], [-1], [1e9, 1e9], {}, { dtype: 'uint8' },
  { dtype: 'uint8', scale: 1, min: 0 }, { dtype: 'float16' }, { dtype: 'uint16', scale: 1e30, min: 0 },
];

function model(): ReturnType<typeof buildTfjsModel> {
  return buildTfjsModel([
    {
      weights: [
        { name: 'a', shape: [3, 2], dtype: 'float32', bytes: f32Bytes([1, 2, 3, 4, 5, 6]) },
        { name: 's', shape: [2], dtype: 'string', bytes: stringBytes(['xy', 'z']) },
        { name: 'h', shape: [4], dtype: 'float32', quantization: { dtype: 'float16' }, bytes: f16Bytes([1, -1, 0.5, 2]) },
        { name: 'q', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.1, min: -1 }, bytes: new Uint8Array([0, 9, 255]) },
      ],
      shardSizes: [13],
    },
    { weights: [{ name: 'i', shape: [2], dtype: 'int32', bytes: i32Bytes([7, -7]) }, { name: 'b', shape: [3], dtype: 'bool', bytes: new Uint8Array([1, 0, 1]) }] },
  ]);
}

/** Every (object, key) pair inside the manifest's weightsManifest, for picking a value to replace. */
function slots(v: unknown, out: [Record<string, unknown> | unknown[], string | number][] = []): typeof out {
  if (Array.isArray(v)) v.forEach((x, i) => (out.push([v, i]), slots(x, out)));
  else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) (out.push([v as Record<string, unknown>, k]), slots(x, out));
  return out;
}

describe('TfjsReader fuzz', () => {
  it('mutated manifests, JSON bytes and shard sizes give tensors or typed errors only', async () => {
    const rng = new Rng(20240611);
    const outcomes = { ok: 0, typed: 0 };
    for (let iter = 0; iter < 240; iter++) {
      const { manifest, shards } = model();
      let text: string | Uint8Array;
      const kind = iter % 4;
      if (kind === 0) {
        // Replace 1–3 values anywhere in weightsManifest (or delete the key).
        for (let k = 0; k <= rng.int(3); k++) {
          const all = slots(manifest.weightsManifest);
          const [obj, key] = all[rng.int(all.length)];
          if (!Array.isArray(obj) && rng.int(6) === 0) delete obj[key as string];
          else (obj as Record<string | number, unknown>)[key] = JUNK[rng.int(JUNK.length)];
        }
        text = JSON.stringify(manifest);
      } else if (kind === 1) {
        // Flip, drop or insert bytes of the JSON text.
        const bytes = Buffer.from(JSON.stringify(manifest));
        const at = rng.int(bytes.length);
        const r = rng.int(3);
        text = r === 0 ? Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]) : r === 1 ? (bytes[at] ^= 1 << rng.int(8), bytes) : Buffer.concat([bytes.subarray(0, at), Buffer.from('0'), bytes.subarray(at)]);
      } else if (kind === 3) {
        // Re-cut each group's bytes into 1–6 shards at random points (still valid: weights now span shards anywhere).
        for (const [g, group] of manifest.weightsManifest.entries()) {
          const all = Buffer.concat(group.paths.map((p) => shards.get(p)!));
          group.paths.forEach((p) => shards.delete(p));
          const cuts = Array.from({ length: rng.int(6) }, () => rng.int(all.length + 1)).sort((x, y) => x - y);
          const edges = [0, ...cuts, all.length];
          group.paths = edges.slice(1).map((end, i) => {
            const name = `g${g}/part${i}.bin`;
            shards.set(name, new Uint8Array(all.subarray(edges[i], end)));
            return name;
          });
        }
        text = JSON.stringify(manifest);
      } else {
        // Cut or grow one shard.
        const names = [...shards.keys()];
        const name = names[rng.int(names.length)];
        const b = shards.get(name)!;
        shards.set(name, rng.int(2) === 0 ? b.subarray(0, rng.int(b.byteLength + 1)) : new Uint8Array(Buffer.concat([b, rng.bytes(1 + rng.int(9))])));
        text = JSON.stringify(manifest);
      }
      const dir = join(tmp.dir, `f${iter}`, 'm');
      await mkdir(dir, { recursive: true });
      const path = await writeTfjsFiles(dir, {}, shards);
      await writeFile(path, text);
      try {
        const r = await TfjsReader.open(path);
        const shardBytes = [...shards.values()].reduce((a, b) => a + b.byteLength, 0);
        expect(r.tensors.reduce((a, t) => a + t.byteLength, 0)).toBeLessThanOrEqual(shardBytes);
        for (const t of r.tensors) {
          const x = await r.read(t.name);
          expect(x.shape).toEqual(t.shape);
          expect(x.dtype).toBe(t.dtype);
          expect(numel(x.shape)).toBeLessThanOrEqual(shardBytes);
        }
        if (kind === 3) {
          expect(Array.from((await r.read('a')).toF32())).toEqual([1, 2, 3, 4, 5, 6]);
          expect(Array.from((await r.read('h')).toF32())).toEqual([1, -1, 0.5, 2]);
          expect(Array.from(await r.readBytes('b'))).toEqual([1, 0, 1]);
        }
        await r.close();
        outcomes.ok++;
      } catch (err) {
        if (kind === 3) throw new Error(`iteration ${iter}: a valid re-cut model failed`, { cause: err });
        if (!(err instanceof TensorhiveError)) throw new Error(`iteration ${iter}: untyped ${String(err)}\n${String(text).slice(0, 400)}`, { cause: err });
        outcomes.typed++;
      }
    }
    // Failed opens close what they opened (string scans read shards before the layout fails).
    const fds = existsSync('/proc/self/fd') ? readdirSync('/proc/self/fd').map((fd) => { try { return readlinkSync(`/proc/self/fd/${fd}`); } catch { return ''; } }) : [];
    expect(fds.filter((f) => f.startsWith(tmp.dir))).toEqual([]);
    // The fuzz must exercise both sides.
    expect(outcomes.ok).toBeGreaterThan(40);
    expect(outcomes.typed).toBeGreaterThan(50);
  });
});
