import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { defineActor, encode, decode, FaultPlan, inline, lifecycleMachine, reply, Simulation, type Signal, type ToWorker } from '../../src/runtime/index.js';
import { counter, type CounterMsg } from './fixtures/logics.js';

/** Pings its peers `rounds` times; their order of arrival depends on the scheduler. */
const chatter = defineActor<{ peers: string[]; got: number }, { n: number }, number, string[]>({
  init: (_ctx, peers) => ({ peers, got: 0 }),
  receive(s, msg, ctx) {
    if (msg.n > 0) for (const p of s.peers) ctx.send(p, { n: msg.n - 1 });
    return reply({ ...s, got: s.got + 1 }, s.got + 1);
  },
});

async function run(seed: number): Promise<string[]> {
  const ids = ['a', 'b', 'c'];
  const sim = new Simulation(seed, {
    faults: FaultPlan.fromSeed(seed, ids.map((i) => `root/${i}`), 2, 6).injector,
    root: { intensity: 100, children: ids.map((id) => ({ id, start: inline(chatter, ids.filter((x) => x !== id).map((x) => `root/${x}`)) })) },
  });
  await sim.system.start();
  for (const id of ids) sim.system.ref<{ n: number }>(`root/${id}`).send({ n: 3 });
  await sim.advance(1000);
  await sim.system.stop();
  return sim.trace;
}

describe('deterministic simulation', () => {
  it('the same seed gives the identical trace; another seed a different one', async () => {
    const t1 = await run(42);
    const t2 = await run(42);
    expect(t1).toEqual(t2);
    expect(t1.some((l) => l.includes('fault'))).toBe(true);
    const t3 = await run(7);
    expect(t3).not.toEqual(t1);
  });
});

const watcher = defineActor<Signal[], { watch?: string; link?: string } | 'signals', Signal[], boolean>({
  init: () => [],
  receive(s, msg, ctx) {
    if (msg === 'signals') return reply(s, s);
    if (msg.watch) ctx.monitor(msg.watch);
    if (msg.link) ctx.link(msg.link);
    return s;
  },
  signal: (s, sig) => [...s, sig],
  trapExit: true,
});

describe('monitors, links, dead letters, lifecycle', () => {
  it('monitors get one DOWN with the reason; trapped links get EXIT; untrapped links die', async () => {
    const sim = new Simulation(1);
    await sim.system.start();
    const sys = sim.system;
    const w = await sys.spawn<any, Signal[]>('w', inline(watcher));
    await sys.spawn('t', inline(counter));
    await sys.spawn('l', inline(counter));
    const plain = await sys.spawn<CounterMsg, number>('plain', inline(counter));
    w.send({ watch: 't', link: 'l' });
    await sim.settle();
    // plain links to l without trapping: it dies with l.
    await sys.spawn('linker', inline(defineActor<null, string>({ init: (ctx) => (ctx.link('l'), null), receive: (s) => s })));
    sys.ref<CounterMsg>('t').send({ op: 'boom' });
    sys.ref<CounterMsg>('l').send({ op: 'boom' });
    await sim.settle();
    const sigs = await w.call('signals');
    expect(sigs.map((s) => `${s.type}:${s.type === 'down' ? s.actor : s.from}:${String(s.reason)}`)).toEqual(['down:t:Error: boom', 'exit:l:Error: boom']);
    expect(sys.stateOf('linker')).toBe('failed');
    expect(sys.stateOf('plain')).toBe('running');
    const before = sys.deadLetters;
    sys.ref<CounterMsg>('t').send({ op: 'inc' });
    await expect(sys.ref<CounterMsg>('t').call({ op: 'get' })).rejects.toMatchObject({ code: 'ERR_ACTOR_DEAD' });
    expect(sys.deadLetters).toBe(before + 2);
  });

  it('call past its timeout rejects with TimeoutError (simulated time)', async () => {
    const sim = new Simulation(1);
    await sim.system.start();
    const r = await sim.system.spawn<CounterMsg, number>('c', inline(counter));
    const p = r.call({ op: 'hang' }, { timeoutMs: 100 });
    const seen = p.catch((e) => e.code);
    await sim.advance(100);
    expect(await seen).toBe('ERR_TIMEOUT');
  });

  it('the lifecycle machine refuses illegal moves', () => {
    const a = createActor(lifecycleMachine).start();
    expect(a.getSnapshot().can({ type: 'STARTED' })).toBe(false);
    a.send({ type: 'STARTED' });
    expect(a.getSnapshot().value).toBe('idle');
    a.send({ type: 'START' });
    a.send({ type: 'STARTED' });
    a.send({ type: 'STOP' });
    a.send({ type: 'STOPPED' });
    a.send({ type: 'START' });
    a.send({ type: 'RESTART' });
    expect(a.getSnapshot().value).toBe('stopped');
  });

  it('protocol: typed arrays survive, transferred buffers move beside the envelope, SABs are shared', () => {
    const f = new Float32Array([1.25, -2]);
    const sab = new SharedArrayBuffer(8);
    const { wire, transferList } = encode({ k: 'send', msg: { f, sab, copy: new Float32Array([3]) } }, [f.buffer as ArrayBuffer]);
    expect(transferList).toContain(f.buffer);
    expect(transferList).not.toContain(sab as unknown as ArrayBuffer);
    const env = decode<ToWorker>(wire) as { msg: { f: Float32Array; sab: SharedArrayBuffer; copy: Float32Array } };
    expect(Array.from(env.msg.f)).toEqual([1.25, -2]);
    expect(env.msg.f.buffer).toBe(f.buffer);
    expect(env.msg.sab).toBe(sab);
    expect(Array.from(env.msg.copy)).toEqual([3]);
    expect(() => encode({ k: 'send', msg: 1 }, [new ArrayBuffer(4)])).toThrow(/not referenced/);
    expect(() => decode('\x92\x91')).toThrow(/msgpack body does not decode/); // truncated
    // Decoding reuses one scratch buffer: a copied typed array must not alias it.
    const first = decode<ToWorker>(encode({ k: 'send', msg: new Uint8Array([1, 2]) }).wire) as { msg: Uint8Array };
    decode(encode({ k: 'send', msg: new Uint8Array([9, 9]) }).wire);
    expect(Array.from(first.msg)).toEqual([1, 2]);
    expect(encode({ k: 'send', msg: 1 }).transferList).toEqual([]); // a message without blobs moves nothing
    expect(() => decode(new Uint8Array([0x80]))).toThrow(/expected a string/);
    expect(() => decode({ h: '\x91\x91\x0c' })).toThrow(/expected a string/); // not a wire value
  });
});
