import { describe, expect, it } from 'vitest';
import { inline, Simulation, type ChildSpec, type SupervisorSpec, type Strategy } from '../../src/runtime/index.js';
import { counter, stubborn, type CounterMsg } from './fixtures/logics.js';

const child = (id: string, extra: Partial<ChildSpec> = {}): ChildSpec => ({ id, start: inline(counter, 0), ...extra }) as ChildSpec;

async function tree(root: SupervisorSpec, seed = 1): Promise<Simulation> {
  const sim = new Simulation(seed, { root });
  await sim.system.start();
  return sim;
}

function lifecycleOf(sim: Simulation, who: string): string[] {
  return sim.trace.filter((l) => l.split(' ')[1] === who && l.includes('->')).map((l) => l.split(' ')[2]);
}

describe('supervisor strategies', () => {
  const cases: [Strategy, string[]][] = [
    ['one_for_one', ['b']],
    ['one_for_all', ['a', 'b', 'c']],
    ['rest_for_one', ['b', 'c']],
  ];
  for (const [strategy, restarted] of cases) {
    it(`${strategy} restarts exactly ${restarted.join(',')} when b crashes, and state resets only there`, async () => {
      const sim = await tree({ strategy, intensity: 3, children: [child('a'), child('b'), child('c')] });
      const refs = ['a', 'b', 'c'].map((id) => sim.system.ref<CounterMsg, number>(`root/${id}`));
      for (const r of refs) r.send({ op: 'inc' });
      await sim.settle();
      refs[1].send({ op: 'boom' });
      await sim.settle();
      const counts = await Promise.all(refs.map((r) => r.call({ op: 'get' })));
      expect(counts).toEqual(['a', 'b', 'c'].map((id) => (restarted.includes(id) ? 0 : 1)));
      for (const id of ['a', 'b', 'c']) {
        expect(lifecycleOf(sim, `root/${id}`).includes('running->restarting')).toBe(restarted.includes(id));
      }
    });
  }

  it('one_for_all stops siblings in reverse order and starts all in order', async () => {
    const sim = await tree({ strategy: 'one_for_all', intensity: 3, children: [child('a'), child('b'), child('c')] });
    sim.system.ref<CounterMsg>('root/a').send({ op: 'boom' });
    await sim.settle();
    const moves = sim.trace.filter((l) => / root\/[abc] (restarting->running|exit)/.test(l)).map((l) => l.split(' ').slice(1, 3).join(' '));
    expect(moves).toEqual(['root/a exit', 'root/c exit', 'root/b exit', 'root/a restarting->running', 'root/b restarting->running', 'root/c restarting->running']);
  });

  it('simple_one_for_one starts and terminates dynamic children from a template', async () => {
    const sim = await tree({ strategy: 'simple_one_for_one', children: [child('w', { restart: 'transient' })] });
    const sup = sim.system.supervisor();
    const r1 = (await sup.startChild(5)) as import('../../src/runtime/index.js').ActorRef<CounterMsg, number>;
    const r2 = (await sup.startChild(7)) as import('../../src/runtime/index.js').ActorRef<CounterMsg, number>;
    expect(r1.id).toBe('root/w-1');
    expect(await r2.call({ op: 'get' })).toBe(7);
    r1.send({ op: 'boom' });
    await sim.settle();
    expect(await r1.call({ op: 'get' })).toBe(5);
    await sup.terminateChild('w-2');
    expect(sup.whichChildren().map((c) => c.id)).toEqual(['w-1']);
    await expect(r2.call({ op: 'get' })).rejects.toThrow(/not alive/);
  });
});

describe('restart types', () => {
  it('permanent restarts after a normal exit; transient and temporary do not', async () => {
    const sim = await tree({
      intensity: 5,
      children: [child('p'), child('t', { restart: 'transient' }), child('x', { restart: 'temporary' })],
    });
    for (const id of ['p', 't', 'x']) sim.system.ref<CounterMsg>(`root/${id}`).send({ op: 'stop' });
    await sim.settle();
    expect(sim.system.stateOf('root/p')).toBe('running');
    expect(sim.system.stateOf('root/t')).toBe('stopped');
    expect(sim.system.stateOf('root/x')).toBeUndefined();
    expect(sim.system.supervisor().whichChildren().map((c) => c.id)).toEqual(['p', 't']);
  });

  it('transient restarts after a crash, temporary is dropped', async () => {
    const sim = await tree({ intensity: 5, children: [child('t', { restart: 'transient' }), child('x', { restart: 'temporary' })] });
    sim.system.ref<CounterMsg>('root/t').send({ op: 'boom' });
    sim.system.ref<CounterMsg>('root/x').send({ op: 'boom' });
    await sim.settle();
    expect(sim.system.stateOf('root/t')).toBe('running');
    expect(sim.system.stateOf('root/x')).toBeUndefined();
  });
});

describe('intensity and escalation', () => {
  it('uses OTP defaults: 1 restart in 5000 ms is fine, a second one escalates', async () => {
    const sim = await tree({ children: [child('a')] });
    const a = sim.system.ref<CounterMsg, number>('root/a');
    a.send({ op: 'boom' });
    await sim.settle();
    expect(sim.system.stateOf('root/a')).toBe('running');
    await sim.advance(5001);
    a.send({ op: 'boom' });
    await sim.settle();
    expect(sim.system.stateOf('root/a')).toBe('running');
    a.send({ op: 'boom' });
    await sim.settle();
    expect(sim.trace.some((l) => l.endsWith('root escalate 2'))).toBe(true);
    expect(sim.system.stateOf('root')).toBe('failed');
    expect(sim.system.stateOf('root/a')).toBe('stopped');
  });

  it('a nested supervisor that gives up is restarted by its parent, which escalates in turn', async () => {
    const sim = await tree({
      intensity: 1,
      children: [
        child('sibling'),
        { id: 'mid', type: 'supervisor', start: { intensity: 0, children: [{ id: 'leaf', type: 'supervisor', start: { intensity: 0, children: [child('w')] } }] } },
      ],
    });
    const w = (): import('../../src/runtime/index.js').ActorRef<CounterMsg, number> => sim.system.ref('root/mid/leaf/w');
    w().send({ op: 'boom' });
    await sim.settle();
    // leaf (intensity 0) gave up, mid (intensity 0) gave up, root restarted mid once.
    expect(sim.trace.filter((l) => l.includes('escalate')).map((l) => l.split(' ')[1])).toEqual(['root/mid/leaf', 'root/mid']);
    expect(sim.system.stateOf('root/mid')).toBe('running');
    expect(await w().call({ op: 'get' })).toBe(0);
    w().send({ op: 'boom' });
    await sim.settle();
    expect(sim.system.stateOf('root')).toBe('failed');
    expect(sim.system.stateOf('root/sibling')).toBe('stopped');
  });
});

describe('shutdown', () => {
  it('stops children in reverse start order', async () => {
    const sim = await tree({ children: [child('a'), child('b'), child('c')] });
    const starts = sim.trace.filter((l) => l.includes('starting->running')).map((l) => l.split(' ')[1]);
    expect(starts).toEqual(['root/a', 'root/b', 'root/c', 'root']);
    await sim.system.stop();
    const stops = sim.trace.filter((l) => l.includes('stopping->stopped')).map((l) => l.split(' ')[1]);
    expect(stops).toEqual(['root/c', 'root/b', 'root/a', 'root']);
  });

  it('kills a child that ignores stop after its shutdown ms; brutal_kill skips terminate', async () => {
    const sim = await tree({ children: [{ id: 's', start: inline(stubborn), shutdown: 300 }, { id: 'k', start: inline(stubborn), shutdown: 'brutal_kill' }] });
    const stopped = sim.system.stop();
    await sim.settle();
    expect(sim.trace.some((l) => l.includes('root/k exit killed'))).toBe(true);
    expect(sim.system.stateOf('root/s')).toBe('stopping');
    await sim.advance(299);
    expect(sim.system.stateOf('root/s')).toBe('stopping');
    await sim.advance(1);
    await stopped;
    expect(sim.trace.some((l) => l.startsWith('300 root/s exit killed'))).toBe(true);
    expect(sim.system.stateOf('root')).toBe('stopped');
  });

  it("a supervisor child ('infinity') waits for its own children to stop", async () => {
    const sim = await tree({ children: [{ id: 'sub', type: 'supervisor', start: { children: [{ id: 's', start: inline(stubborn), shutdown: 1000 }] } }] });
    const stopped = sim.system.stop();
    await sim.advance(999);
    expect(sim.system.stateOf('root/sub')).toBe('stopping');
    await sim.advance(1);
    await stopped;
    expect(sim.system.stateOf('root/sub')).toBe('stopped');
  });
});

describe('stash and backoff', () => {
  it('stashes messages while a child restarts with backoff, delivers them after, dead-letters overflow', async () => {
    const sim = await tree({
      intensity: 5,
      backoff: { minMs: 100, maxMs: 1000, jitter: 0 },
      children: [child('a', { stashCapacity: 3 } as Partial<ChildSpec>)],
    });
    const a = sim.system.ref<CounterMsg, number>('root/a');
    a.send({ op: 'boom' });
    await sim.settle();
    expect(sim.system.stateOf('root/a')).toBe('restarting');
    for (let i = 0; i < 5; i++) a.send({ op: 'inc' });
    expect(sim.system.deadLetters).toBe(2);
    await sim.advance(99);
    expect(sim.system.stateOf('root/a')).toBe('restarting');
    await sim.advance(1);
    expect(await a.call({ op: 'get' })).toBe(3);
    expect(sim.trace.some((l) => l.endsWith('restart a +100'))).toBe(true);
    // A second restart in the window doubles the delay.
    a.send({ op: 'boom' });
    await sim.settle();
    expect(sim.trace.some((l) => l.endsWith('restart a +200'))).toBe(true);
  });

  it('rejects with ERR_CAPACITY a call that overflows the stash', async () => {
    const sim = await tree({ backoff: { minMs: 50, maxMs: 50 }, children: [child('a', { stashCapacity: 0 } as Partial<ChildSpec>)] });
    const a = sim.system.ref<CounterMsg, number>('root/a');
    a.send({ op: 'boom' });
    await sim.settle();
    await expect(a.call({ op: 'get' })).rejects.toMatchObject({ code: 'ERR_CAPACITY' });
  });

  it('rejects bad specs with the option named', () => {
    expect(() => new Simulation(1, { root: { intensity: -1, children: [] } })).not.toThrow();
    return expect(new Simulation(1, { root: { intensity: -1, children: [] } }).system.start()).rejects.toThrow(/intensity must be a non-negative integer, got -1/);
  });
});

describe('terminateChild / restartChild / deleteChild (OTP)', () => {
  it('a terminated child keeps its spec: restartChild starts a fresh one behind the same ref; deleteChild forgets it', async () => {
    const sim = await tree({ children: [child('a'), child('b')] });
    const sup = sim.system.supervisor();
    const b = sim.system.ref<CounterMsg, number>('root/b');
    b.send({ op: 'inc' });
    await sim.settle();
    await expect(sup.restartChild('b')).rejects.toThrow(/child b of root is running; terminate it first/);
    await sup.terminateChild('b');
    expect(sup.whichChildren()).toEqual([
      { id: 'a', type: 'worker', state: 'running' },
      { id: 'b', type: 'worker', state: 'stopped' },
    ]);
    await expect(b.call({ op: 'get' })).rejects.toThrow(/not alive/);
    await sup.restartChild('b');
    expect(await b.call({ op: 'get' })).toBe(0); // fresh state, same ref
    await expect(sup.deleteChild('b')).rejects.toThrow(/running; terminate it first/);
    await sup.terminateChild('b');
    await sup.deleteChild('b');
    expect(sup.whichChildren().map((c) => c.id)).toEqual(['a']);
    await expect(sup.restartChild('b')).rejects.toThrow(/has no child b/);
  });

  it('temporary children are forgotten when terminated; simple_one_for_one refuses restartChild', async () => {
    const sim = await tree({ children: [child('t', { restart: 'temporary' })] });
    await sim.system.supervisor().terminateChild('t');
    expect(sim.system.supervisor().whichChildren()).toEqual([]);
    const dyn = await tree({ strategy: 'simple_one_for_one', children: [child('w')] });
    await dyn.system.supervisor().startChild(1);
    await expect(dyn.system.supervisor().restartChild('w-1')).rejects.toThrow(/not for simple_one_for_one/);
  });
});
