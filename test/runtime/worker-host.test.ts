import { afterAll, describe, expect, it } from 'vitest';
import { ActorSystem, defineActor, inline, reply, worker, type ActorRef } from '../../src/runtime/index.js';
import type { WMsg } from './fixtures/worker-actor.js';

const mod = new URL('./fixtures/worker-actor.ts', import.meta.url);
/** The last buffer the keeper replied with (it moves it back to the caller's thread). */
let kept: Float32Array | undefined;
const keeper = defineActor<number, { data: Float32Array }, { data: Float32Array }>({
  init: () => 0,
  receive(n, msg) {
    kept = msg.data;
    return reply(n, { data: msg.data }, [msg.data.buffer as ArrayBuffer]);
  },
});
const system = new ActorSystem({
  root: {
    intensity: 10,
    children: [
      { id: 'w', start: worker(mod, 'workerCounter', 0, { health: { intervalMs: 100, timeoutMs: 400 } }) },
      { id: 'spare', start: worker(mod, 'workerCounter', 5, { health: false, warmSpare: true }) },
      { id: 'keeper', start: inline(keeper) },
      { id: 'oom', start: worker(mod, 'workerCounter', 0, { health: false, resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 } }) },
    ],
  },
});
afterAll(() => system.stop());

function restarted(path: string): Promise<void> {
  return new Promise((resolve) => {
    const off = system.subscribe((e) => {
      if (e.type === 'lifecycle' && e.actor === path && e.from === 'restarting' && e.to === 'running') {
        off();
        resolve();
      }
    });
  });
}

describe('worker host (real threads)', () => {
  let w: ActorRef<WMsg, number>;

  it('starts, answers calls, and moves a transferred buffer without copying', async () => {
    await system.start();
    w = system.ref('root/w');
    w.send({ op: 'inc' });
    expect(await w.call({ op: 'get' })).toBe(1);
    const data = new Float32Array([1, 2, 3.5]);
    expect(await w.call({ op: 'sum', data }, { transfer: [data.buffer as ArrayBuffer] })).toBe(6.5);
    expect(data.byteLength).toBe(0); // moved, not cloned
  });

  it('restarts after an exception in receive; the call gets the error', async () => {
    const back = restarted('root/w');
    await expect(w.call({ op: 'throw' })).rejects.toThrow(/receive failed/);
    await back;
    expect(await w.call({ op: 'get' })).toBe(0);
  });

  it('restarts after the thread exits; the pending call rejects with ActorDeadError', async () => {
    const back = restarted('root/w');
    await expect(w.call({ op: 'exit' })).rejects.toMatchObject({ code: 'ERR_ACTOR_DEAD' });
    await back;
    expect(await w.call({ op: 'get' })).toBe(0);
  });

  it('restarts a hung actor that misses its health-ping deadline', async () => {
    const back = restarted('root/w');
    await expect(w.call({ op: 'spin' }, { timeoutMs: 60_000 })).rejects.toThrow(/missed its health ping deadline/);
    await back;
    expect(await w.call({ op: 'get' })).toBe(0);
  });

  it('restarts a worker killed for exceeding resourceLimits (heap OOM)', async () => {
    const oom = system.ref<WMsg, number>('root/oom');
    const exits: string[] = [];
    const off = system.subscribe((e) => {
      if (e.type === 'exit' && e.actor === 'root/oom') exits.push(e.reason);
    });
    const back = restarted('root/oom');
    await expect(oom.call({ op: 'oom' }, { timeoutMs: 60_000 })).rejects.toMatchObject({ code: 'ERR_ACTOR_DEAD' });
    await back;
    off();
    expect(exits[0]).toMatch(/ERR_WORKER_OUT_OF_MEMORY/);
    expect(await oom.call({ op: 'get' })).toBe(0);
  });

  it('a worker actor calling another actor: blobs are moved both ways, through the main thread, never copied', async () => {
    const r = system.ref<WMsg, number>('root/spare');
    expect(await r.call({ op: 'relay', to: 'root/keeper' })).toBe(7 + 30 + 100);
    expect(kept?.byteLength).toBe(0); // the keeper's reply was moved on to the caller's thread, not copied
  });

  it('with a warm spare thread, each restart takes over the spare and a new spare is started', async () => {
    const r = system.ref<WMsg, number>('root/spare');
    for (let k = 0; k < 2; k++) {
      r.send({ op: 'inc' });
      const back = restarted('root/spare');
      await r.call({ op: 'exit' }).catch(() => undefined);
      await back;
      expect(await r.call({ op: 'get' })).toBe(5); // init ran again in the spare: fresh state from the arg
    }
  });
});
