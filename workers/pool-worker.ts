/**
 * The pool's worker: piscina calls the default export once per task. It
 * imports the job's handler module, calls the named export, and replies with
 * plain data. Handler exceptions are caught and returned as data, so only a
 * dying thread makes piscina reject (that is how the pool tells a crash from
 * a job error). Results are moved back, not cloned (see impliedTransfer).
 */
import type { TransferListItem } from 'node:worker_threads';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import {
  impliedTransfer,
  serializeError,
  type JobReply,
  type PoolRequest,
} from '../src/runtime/pool/wire.js';

type Handler = (...args: unknown[]) => unknown;

const modules = new Map<string, Promise<Record<string, unknown>>>();

/** Imports a handler module once per worker; later jobs reuse it. */
function importModule(href: string): Promise<Record<string, unknown>> {
  let loading = modules.get(href);
  if (!loading) {
    loading = importFresh(href);
    modules.set(href, loading);
    loading.catch(() => modules.delete(href)); // a failed import may be retried by a later job
  }
  return loading;
}

/**
 * Running from source, Node 20 does not apply tsx's ESM hooks (`--import
 * tsx`) inside worker threads, so a .ts handler is loaded through tsx's own
 * API instead.
 */
async function importFresh(href: string): Promise<Record<string, unknown>> {
  try {
    return (await import(href)) as Record<string, unknown>;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code !== 'ERR_UNKNOWN_FILE_EXTENSION' || !/\.[cm]?ts$/.test(new URL(href).pathname)) throw err;
  }
  const tsx = await import('tsx/esm/api');
  return (await tsx.tsImport(href, href)) as Record<string, unknown>;
}

async function loadHandler(module: string, name: string): Promise<Handler> {
  let mod: Record<string, unknown>;
  try {
    mod = await importModule(module);
  } catch (err) {
    throw Object.assign(new Error(`job.module ${module} could not be imported: ${serializeError(err).message}`), {
      name: 'ArgumentError',
    });
  }
  const fn = mod[name];
  if (typeof fn !== 'function') {
    throw Object.assign(new Error(`job.export ${name} of ${module} is not a function (got ${typeof fn})`), {
      name: 'ArgumentError',
    });
  }
  return fn as Handler;
}

export default async function runTask(req: PoolRequest): Promise<unknown> {
  if (req.kind === 'ping') return { ok: true, value: 'pong' } satisfies JobReply;
  let reply: JobReply;
  let transfer: TransferListItem[] = [];
  try {
    const fn = await loadHandler(req.module, req.export);
    const out = impliedTransfer(await fn(...req.args));
    reply = { ok: true, value: out.value };
    transfer = out.transfer;
  } catch (err) {
    reply = { ok: false, error: serializeError(err) };
  }
  if (transfer.length === 0) return reply;
  // piscina moves only a top-level Transferable; this one names the whole list
  // so buffers nested anywhere in the reply are moved with it.
  return move({
    get [transferableSymbol]() {
      return transfer;
    },
    get [valueSymbol]() {
      return reply;
    },
  } as never);
}
