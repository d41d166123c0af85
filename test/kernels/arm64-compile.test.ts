/**
 * The arm64 build, compile-checked on x86: every native source is compiled for
 * aarch64 with the Debian cross compiler (g++-aarch64-linux-gnu, installed by
 * scripts/setup-system.sh), with the flags binding.gyp uses, and the NEON
 * kernels must really be there (their symbols in kernels_neon.o). There is no
 * arm64 machine here, so the NEON kernels are then RUN under qemu-user
 * (qemu-aarch64): native/test/neon_parity.cc, linked statically with every
 * kernel object, compares each decode/cast entry of the NEON table with the
 * scalar one bit for bit.
 *
 * Where the cross compiler or qemu is missing the check is reported as not run;
 * CI sets TENSORHIVE_REQUIRE_ARM64_CHECK=1, and then a missing tool fails.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';

const run = promisify(execFile);
const CXX = 'aarch64-linux-gnu-g++';
const NM = 'aarch64-linux-gnu-nm';
const QEMU = 'qemu-aarch64';
const SRC = join(import.meta.dirname, '..', '..', 'native', 'src');
const HARNESS = join(import.meta.dirname, '..', '..', 'native', 'test', 'neon_parity.cc');
const required = process.env.TENSORHIVE_REQUIRE_ARM64_CHECK === '1';
const onX86 = process.arch === 'x64';

async function has(cmd: string): Promise<boolean> {
  try {
    await run(cmd, ['--version']);
    return true;
  } catch {
    return false;
  }
}

const napiInclude = (): string[] => {
  const dirs = [createRequire(import.meta.url)('node-addon-api').include_dir as string];
  for (const d of ['/usr/include/node', join(process.execPath, '..', '..', 'include', 'node')]) dirs.push(d);
  return dirs.flatMap((d) => ['-I', d]);
};

const compiler = onX86 ? await has(CXX) : false;
const qemu = compiler ? await has(QEMU) : false;

describe('arm64 build (cross-compiled on x86)', () => {
  if (!onX86 || !compiler) {
    it(`is NOT checked here (${onX86 ? `${CXX} missing` : `host is ${process.arch}`})`, () => {
      expect(required && onX86, `TENSORHIVE_REQUIRE_ARM64_CHECK=1 but ${CXX} is missing`).toBe(false);
    });
    return;
  }

  let tmp: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    tmp = await tempDir('tensorhive-arm64-');
  });
  afterAll(async () => tmp?.cleanup());

  it('compiles every native source for aarch64 with the NEON kernels in', async () => {
    const sources = readdirSync(SRC).filter((f) => f.endsWith('.cc'));
    expect(sources.length).toBeGreaterThan(10);
    const flags = ['-std=c++17', '-O2', '-fPIC', '-ffp-contract=off', '-fno-strict-aliasing', '-DNAPI_DISABLE_CPP_EXCEPTIONS', '-DNAPI_VERSION=8', ...napiInclude()];
    const failures: string[] = [];
    // Two at a time: the CI machine has two cores.
    const queue = [...sources];
    const worker = async (): Promise<void> => {
      for (let f = queue.shift(); f !== undefined; f = queue.shift()) {
        try {
          await run(CXX, [...flags, '-c', join(SRC, f), '-o', tmp.path(`${f}.o`)], { maxBuffer: 1 << 22 });
        } catch (err) {
          const stderr = (err as { stderr?: string }).stderr ?? String(err);
          failures.push(`${f}:\n${stderr.split('\n').filter((l) => /error/.test(l)).slice(0, 5).join('\n')}`);
        }
      }
    };
    await Promise.all([worker(), worker()]);
    expect(failures, failures.join('\n')).toEqual([]);
    // The NEON decode kernels are compiled in, not guarded away.
    const { stdout } = await run(NM, ['-C', tmp.path('kernels_neon.cc.o')]);
    expect(stdout).toMatch(/ T th::neon::dq_q8_0\(/);
    expect(stdout).toMatch(/ T th::neon::dq_q4_0\(/);
  }, 300_000);

  if (!qemu) {
    it(`runs the NEON kernels: NOT checked here (${QEMU} missing)`, () => {
      expect(required, `TENSORHIVE_REQUIRE_ARM64_CHECK=1 but ${QEMU} is missing`).toBe(false);
    });
    return;
  }

  it('runs the NEON kernels under qemu-aarch64: bit-exact with the scalar ones', async () => {
    // Every kernel object but the N-API glue, plus the harness, linked statically.
    const objects = readdirSync(SRC)
      .filter((f) => f.endsWith('.cc') && f !== 'addon.cc')
      .map((f) => tmp.path(`${f}.o`));
    const exe = tmp.path('neon_parity');
    await run(CXX, ['-std=c++17', '-O2', '-ffp-contract=off', '-fno-strict-aliasing', '-static', '-o', exe, HARNESS, ...objects, '-lpthread']);
    const { stdout } = await run(QEMU, [exe]);
    expect(stdout).toMatch(/^ok q8_0$/m);
    expect(stdout).toMatch(/^ok bf16$/m);
    expect(stdout).toMatch(/^neon parity: \d+ cases$/m);
  }, 300_000);
});
