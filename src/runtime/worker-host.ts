/**
 * The main-thread side of a worker incarnation: one worker_thread running
 * workers/actor-host, spoken to only through protocol.ts. A dead thread (exit,
 * uncaught error, heap OOM, missed health ping) rejects its pending calls at
 * once with ActorDeadError and reports the exit to its cell.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ActorDeadError, ArgumentError, TimeoutError } from '../errors/index.js';
import type { TimerHandle } from '../clock/index.js';
import type { ActorCell } from './actor-cell.js';
import type { RuntimeCore } from './core.js';
import type { ActorStart, Delivery, HealthCheck, Incarnation } from './host.js';
import { Channel } from './channel.js';
import { IdTable } from './id-table.js';
import { decodeAll, fromWireReason, toWireReason, type FromWorker, type ToWorker, type Wire, type WireSignal } from './protocol.js';
import type { ExitReason } from './reason.js';
import type { Signal } from './logic.js';
import { fromWireError, toWireError } from './wire-error.js';

export const DEFAULT_HEALTH: HealthCheck = { intervalMs: 1000, timeoutMs: 5000 };

/** workers/actor-host.js next to the built code, or the .ts source under tsx. */
export function actorHostEntry(): { url: URL; ts: boolean } {
  const js = new URL('../../workers/actor-host.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return { url: js, ts: false };
  return { url: new URL('../../workers/actor-host.ts', import.meta.url), ts: true };
}

export function moduleHref(module: string | URL): string {
  if (module instanceof URL) return module.href;
  if (/^(file|data):/.test(module)) return module;
  if (module.startsWith('/')) return pathToFileURL(module).href;
  throw new ArgumentError(`worker module must be a file: URL or an absolute path, got ${module}`);
}

/** Source runs (.ts): an eval'd bootstrap that registers tsx, then imports the entry. */
function tsxBootstrap(entry: URL): string {
  const cjs = createRequire(import.meta.url).resolve('tsx/esm/api');
  const api = pathToFileURL(cjs.replace(/index\.cjs$/, 'index.mjs')).href;
  return `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`;
}

type WorkerStart = Extract<ActorStart, { host: 'worker' }>;

export class WorkerIncarnation implements Incarnation {
  trapExit = false;
  private thread: Worker | undefined;
  private channel: Channel | undefined;
  private dead = false;
  private stopReason: ExitReason | undefined;
  /** This thread's calls in flight (cid → cid). Not a Set: see id-table.ts (a Set emptied per call cost a full GC per blob burst). */
  private readonly pending = new IdTable<number>();
  private readonly monitors = new Map<number, { target: ActorCell; mid: number }>();
  private pingSeq = 0;
  private pingTimer: TimerHandle | undefined;
  private deadline: TimerHandle | undefined;
  private onReady: ((err?: unknown) => void) | undefined;

  constructor(
    private readonly core: RuntimeCore,
    private readonly cell: ActorCell,
    private readonly spec: WorkerStart,
  ) {}

  /** Start the thread (it loads the host and the logic's module) without running init: a warm spare. */
  prestart(): void {
    if (this.thread || this.dead) return;
    const entry = actorHostEntry();
    const href = moduleHref(this.spec.module);
    const needsTsx = entry.ts || href.endsWith('.ts');
    // Node 20 ignores `--import tsx` loader hooks in workers; register tsx from inside instead.
    const target: URL | string = needsTsx ? tsxBootstrap(entry.url) : entry.url;
    const t = new Worker(target, {
      ...(needsTsx ? { eval: true } : {}),
      workerData: { module: href, export: this.spec.export },
      execArgv: [...(this.spec.options?.execArgv ?? [])],
      ...(this.spec.options?.resourceLimits ? { resourceLimits: this.spec.options.resourceLimits } : {}),
    });
    this.thread = t;
    this.channel = new Channel(t);
    t.on('message', (data: Wire) => this.onMessage(data));
    t.on('error', (err) => this.die(err));
    t.on('exit', (code) => this.die(this.stopReason ?? new Error(`worker thread of ${this.cell.id} exited with code ${code}`)));
  }

  /** Whether the thread died (a spare that died is not used). */
  get isDead(): boolean {
    return this.dead;
  }

  start(): Promise<void> {
    this.prestart();
    if (this.dead) return Promise.reject(new ActorDeadError(this.cell.id, 'spare thread died before it was used'));
    return new Promise<void>((resolve, reject) => {
      this.onReady = (err) => {
        this.onReady = undefined;
        if (err) reject(err);
        else resolve();
      };
      this.send({ k: 'init', id: this.cell.id, arg: this.spec.arg });
    });
  }

  deliver(d: Delivery): void {
    if (this.dead) {
      this.core.deadLetter(this.cell.id, d, 'not_alive');
      return;
    }
    if (d.kind === 'send') this.send({ k: 'send', msg: d.msg }, d.transfer);
    else if (d.kind === 'call') {
      this.pending.set(d.cid, d.cid);
      this.send({ k: 'call', cid: d.cid, msg: d.msg, timeoutMs: d.timeoutMs }, d.transfer);
    } else this.send({ k: 'signal', signal: toWireSignal(d.signal) });
  }

  stop(reason: ExitReason): void {
    if (this.dead || this.stopReason !== undefined) return;
    this.stopReason = reason;
    this.send({ k: 'stop', reason: toWireReason(reason) });
  }

  kill(reason: ExitReason): void {
    this.die(reason);
  }

  takeUnstarted(): Delivery[] {
    return [];
  }

  private send(env: ToWorker, transfer?: readonly ArrayBuffer[]): void {
    if (this.channel && !this.dead) this.channel.post(env, transfer);
  }

  private onMessage(data: Wire): void {
    if (this.dead) return;
    let batch: FromWorker[];
    try {
      batch = decodeAll<FromWorker>(data);
    } catch (err) {
      this.die(err as Error);
      return;
    }
    for (let i = 0; i < batch.length && !this.dead; i++) this.handle(batch[i], data);
  }

  /** One envelope from the worker; `data` is its wire message (its blobs, if any, are this envelope's). */
  private handle(env: FromWorker, data: Wire): void {
    switch (env.k) {
      case 'ready':
        this.trapExit = env.trapExit;
        this.armHealth();
        this.onReady?.();
        return;
      case 'init-failed':
        this.onReady?.(fromWireError(env.error));
        this.dead = true;
        this.channel?.close();
        void this.thread?.terminate();
        return;
      case 'reply':
        this.pending.delete(env.cid);
        this.core.calls.resolve(env.cid, env.value, movedOf(data));
        return;
      case 'error':
        this.pending.delete(env.cid);
        this.core.calls.reject(env.cid, fromWireError(env.error));
        return;
      case 'pong':
        if (env.seq === this.pingSeq) {
          this.core.clock.clearTimeout(this.deadline);
          this.deadline = undefined;
          this.armHealth();
        }
        return;
      case 'crash':
        if (env.cid !== undefined && this.pending.delete(env.cid)) this.core.calls.reject(env.cid, fromWireError(env.error));
        this.die(fromWireError(env.error));
        return;
      case 'stopped':
        this.die(this.stopReason ?? 'normal');
        return;
      case 'exit-self':
        this.die(fromWireReason(env.reason));
        return;
      case 'route-send': {
        const target = this.core.resolve(env.to);
        const moved = movedOf(data);
        const d: Delivery = moved.length > 0 ? { kind: 'send', msg: env.msg, transfer: moved } : { kind: 'send', msg: env.msg };
        if (target) target.deliver(d);
        else this.core.deadLetter(env.to, d, 'unknown_actor');
        return;
      }
      case 'route-call': {
        const target = this.core.resolve(env.to);
        const cid = env.cid;
        const fail = (err: unknown): void => this.send({ k: 'error', cid, error: toWireError(err) });
        if (!target) {
          queueMicrotask(() => fail(new ActorDeadError(env.to, 'noproc')));
          return;
        }
        // The reply's blobs move on to the caller's thread as they came (no copy).
        target.relayCall(env.msg, { timeoutMs: env.timeoutMs, transfer: movedOf(data) }, (err, value, moved) => {
          if (err !== undefined) return fail(err);
          try {
            this.send({ k: 'reply', cid, value }, moved);
          } catch (e) {
            fail(e);
          }
        });
        return;
      }
      case 'watch':
        this.watch(env.op, env.target, env.ref);
        return;
      case 'log':
        if (this.core.events.active) this.core.events.emit({ type: 'log', at: this.core.clock.now(), actor: this.cell.id, level: env.level, message: env.message });
        return;
    }
  }

  private watch(op: 'monitor' | 'demonitor' | 'link' | 'unlink', to: string, ref: number): void {
    const target = this.core.resolve(to);
    if (op === 'monitor') {
      const notify = (reason: ExitReason): void => {
        this.monitors.delete(ref);
        this.deliver({ kind: 'signal', signal: { type: 'down', monitor: ref, actor: to, reason } });
      };
      if (!target) return queueMicrotask(() => notify('noproc'));
      const mid = this.core.nextMonitorId();
      this.monitors.set(ref, { target, mid });
      target.addWatcher(mid, notify);
    } else if (op === 'demonitor') {
      const m = this.monitors.get(ref);
      m?.target.removeWatcher(m.mid);
      this.monitors.delete(ref);
    } else if (op === 'link') {
      if (target) this.cell.link(target);
      else this.cell.exitSignal(to, 'noproc');
    } else if (target) this.cell.unlink(target);
  }

  private armHealth(): void {
    const h = this.spec.options?.health === undefined ? DEFAULT_HEALTH : this.spec.options.health;
    if (!h || this.dead) return;
    this.pingTimer = this.core.clock.setTimeout(() => {
      if (this.dead) return;
      const seq = ++this.pingSeq;
      this.send({ k: 'ping', seq });
      this.deadline = this.core.clock.setTimeout(() => {
        this.die(new TimeoutError(`actor ${this.cell.id} missed its health ping deadline of ${h.timeoutMs} ms`));
      }, h.timeoutMs);
    }, h.intervalMs);
  }

  private die(reason: ExitReason): void {
    if (this.dead) {
      return;
    }
    this.dead = true;
    this.channel?.close();
    this.core.clock.clearTimeout(this.pingTimer);
    this.core.clock.clearTimeout(this.deadline);
    const cids = this.pending.ids();
    this.pending.clear();
    for (const cid of cids) this.core.calls.reject(cid, new ActorDeadError(this.cell.id, reason));
    for (const m of this.monitors.values()) m.target.removeWatcher(m.mid);
    this.monitors.clear();
    void this.thread?.terminate();
    if (this.onReady) {
      this.onReady(reason instanceof Error ? reason : new ActorDeadError(this.cell.id, reason));
      return;
    }
    this.cell.incarnationExited(this, reason);
  }
}

const NONE_MOVED: readonly ArrayBuffer[] = Object.freeze([]);

/** The ArrayBuffers a wire message moved here (SharedArrayBuffers are shared, not moved). */
function movedOf(data: Wire): readonly ArrayBuffer[] {
  if (typeof data === 'string') return NONE_MOVED;
  const moved: ArrayBuffer[] = [];
  for (let i = 1; i < data.length; i++) {
    const b = data[i];
    if (b instanceof ArrayBuffer) moved.push(b);
  }
  return moved;
}

function toWireSignal(s: Signal): WireSignal {
  return s.type === 'down'
    ? { type: 'down', monitor: s.monitor, actor: s.actor, reason: toWireReason(s.reason) }
    : { type: 'exit', from: s.from, reason: toWireReason(s.reason) };
}
