import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Where the pool's worker script lives, and the Node flags it needs. After a
 * build it is dist/workers/pool-worker.js next to dist/src; when running from
 * source (tests, tsx) it is workers/pool-worker.ts, which needs tsx's loader.
 */
export function poolWorkerFile(): { filename: string; execArgv: string[] } {
  const js = new URL('../../../workers/pool-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return { filename: js.href, execArgv: [] };
  const ts = new URL('../../../workers/pool-worker.ts', import.meta.url);
  return { filename: ts.href, execArgv: ['--import', 'tsx'] };
}
