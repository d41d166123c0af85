#!/usr/bin/env node
// The npm registry this project installs from serves msgpackr-extract's Linux
// builds but not its darwin/win32/linux-arm ones, so `npm install` leaves them
// out of package-lock.json and `npm ci` then refuses the lock as out of sync.
// This adds the missing optional, platform-restricted entries (they are never
// fetched on Linux x64). Run after any `npm install` that rewrites the lock.
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const extract = lock.packages['node_modules/msgpackr-extract'];
const wanted = Object.keys(extract?.optionalDependencies ?? {});
let added = 0;
for (const name of wanted) {
  const key = `node_modules/${name}`;
  if (lock.packages[key]) continue;
  const [os, cpu] = name.replace('@msgpackr-extract/msgpackr-extract-', '').split('-');
  lock.packages[key] = { version: extract.optionalDependencies[name], cpu: [cpu], license: 'MIT', optional: true, os: [os] };
  added++;
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)));
writeFileSync(path, JSON.stringify(lock, null, 2) + '\n');
console.log(`package-lock.json: added ${added} platform-only optional entries`);
