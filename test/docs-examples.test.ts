/**
 * Docs open with a runnable example, and examples run in CI: the first ```ts
 * block of every docs page and every examples/*.ts file is run as a real
 * process (importing the built package by its name) and must exit 0.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

function run(file: string): { code: number; out: string } {
  const r = spawnSync(process.execPath, [TSX, file], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, out: `${r.stdout}\n${r.stderr}` };
}

const docs = readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md'));
const examples = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.ts'));

describe('docs pages open with a runnable example', () => {
  for (const page of docs) {
    it(page, () => {
      const text = readFileSync(join(ROOT, 'docs', page), 'utf8');
      const m = /```ts\n([\s\S]*?)```/.exec(text);
      expect(m, `${page} has no \`\`\`ts example`).not.toBeNull();
      // The example must come before any other section: it opens the page.
      const firstHeading2 = text.indexOf('\n## ');
      expect(firstHeading2 === -1 || m!.index < firstHeading2, `${page}: the example must open the page`).toBe(true);
      const dir = join(ROOT, '.docs-check');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `${page.replace(/\W/g, '_')}.ts`);
      writeFileSync(file, m![1]);
      try {
        const r = run(file);
        expect(r.code, r.out).toBe(0);
      } finally {
        rmSync(file, { force: true });
      }
    });
  }
});

describe('examples run', () => {
  for (const ex of examples) {
    it(ex, () => {
      const r = run(join(ROOT, 'examples', ex));
      expect(r.code, r.out).toBe(0);
    });
  }
});
