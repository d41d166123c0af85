#!/usr/bin/env node
/**
 * Builds the optional native addon (native/build/Release/tensorhive_native.node)
 * with node-gyp, offline. Run from package.json ("install" and "build:native").
 * It NEVER fails the install: on any failure it prints one line and exits 0,
 * and tensorhive runs on its TypeScript kernels.
 *
 * node-gyp is taken from, in order: this package's node_modules, the npm
 * running us (npm_execpath), the global npm. Headers come from --nodedir:
 * npm_config_nodedir when set, else /usr when /usr/include/node/node_api.h
 * exists (so node-gyp never tries to download them).
 * Lives in native/ (not scripts/) because package.json "files" ships native/.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);

function nodeGypScript() {
  const candidates = [join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')];
  const npmCli = process.env.npm_execpath;
  if (npmCli) candidates.push(join(dirname(npmCli), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  const g = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['root', '-g'], { encoding: 'utf8' });
  if (g.status === 0) candidates.push(join(g.stdout.trim(), 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  return candidates.find((c) => existsSync(c));
}

function nodedir() {
  const fromNpm = process.env.npm_config_nodedir;
  if (fromNpm && existsSync(join(fromNpm, 'include', 'node', 'node_api.h'))) return fromNpm;
  if (existsSync('/usr/include/node/node_api.h')) return '/usr';
  return undefined;
}

function fail(why) {
  console.log(`tensorhive: native kernels not built (${why}); using the TypeScript kernels`);
  process.exit(0);
}

if (process.env.TENSORHIVE_SKIP_NATIVE === '1') fail('TENSORHIVE_SKIP_NATIVE=1');
const gyp = nodeGypScript();
if (!gyp) fail('node-gyp not found');
const args = [gyp, 'rebuild', `--directory=${here}`, '--jobs=2'];
const dir = nodedir();
if (dir) args.push(`--nodedir=${dir}`);
const verbose = process.argv.includes('--verbose');
const r = spawnSync(process.execPath, args, {
  cwd: here,
  encoding: 'utf8',
  stdio: verbose ? 'inherit' : 'pipe',
  timeout: 600_000,
  env: { ...process.env, CXXFLAGS: process.env.TENSORHIVE_CXXFLAGS ?? process.env.CXXFLAGS ?? '' },
});
if (r.error) fail(r.error.message);
if (r.status !== 0) {
  const last = `${r.stderr ?? ''}`.trim().split('\n').filter((l) => /error/i.test(l)).pop() ?? `exit ${r.status}`;
  fail(`node-gyp failed: ${last.slice(0, 200)}`);
}
if (!existsSync(join(here, 'build', 'Release', 'tensorhive_native.node'))) fail('no tensorhive_native.node produced');
console.log('tensorhive: native kernels built (native/build/Release/tensorhive_native.node)');
