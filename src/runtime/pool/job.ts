import type { TransferListItem } from 'node:worker_threads';
import { basename, isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ArgumentError } from '../../errors/index.js';
import type { JobRequest } from './wire.js';

/**
 * A CPU job for the pool. Functions cannot cross threads, so a job names the
 * module and export that do the work; `args` are cloned into the worker
 * except the objects in `transfer`, which are moved (the caller's copies are
 * detached). A job with moved input is not retried after a crash: its input
 * died with the worker. Share a SharedArrayBuffer instead to keep retries.
 */
export interface Job {
  /** The handler module: a file URL or an absolute path. */
  readonly module: string | URL;
  /** The export to call; default `default`. */
  readonly export?: string;
  readonly args?: readonly unknown[];
  readonly transfer?: readonly TransferListItem[];
}

export interface PreparedJob {
  readonly request: JobRequest;
  readonly transfer: readonly TransferListItem[];
  /** `file.ts#export`, for messages. */
  readonly label: string;
}

export function prepareJob(job: Job): PreparedJob {
  if (typeof job !== 'object' || job === null) {
    throw new ArgumentError(`job must be an object { module, export?, args?, transfer? }, got ${String(job)}`);
  }
  const href = moduleHref(job.module);
  const name = job.export ?? 'default';
  if (typeof name !== 'string' || name.length === 0) {
    throw new ArgumentError(`job.export must be a non-empty string, got ${String(name)}`);
  }
  const args = job.args ?? [];
  if (!Array.isArray(args)) throw new ArgumentError(`job.args must be an array, got ${typeof args}`);
  const transfer = job.transfer ?? [];
  if (!Array.isArray(transfer)) throw new ArgumentError(`job.transfer must be an array, got ${typeof transfer}`);
  return {
    request: { kind: 'job', module: href, export: name, args },
    transfer,
    label: `${basename(new URL(href).pathname)}#${name}`,
  };
}

function moduleHref(module: unknown): string {
  if (module instanceof URL) {
    if (module.protocol !== 'file:') throw new ArgumentError(`job.module must be a file: URL, got ${module.href}`);
    return module.href;
  }
  if (typeof module === 'string') {
    if (module.startsWith('file:')) {
      try {
        return new URL(module).href;
      } catch (err) {
        throw new ArgumentError(`job.module is not a valid file URL: ${module}`, { cause: err });
      }
    }
    if (isAbsolute(module)) return pathToFileURL(module).href;
  }
  throw new ArgumentError(`job.module must be a file URL or an absolute path, got ${JSON.stringify(String(module))}`);
}
