/**
 * The lifecycle of one actor identity (stable across restarts) as an xstate
 * machine. Moves not drawn here cannot happen: the machine ignores them, and
 * `tryMove` reports false.
 */
import { createActor, setup, type Actor } from 'xstate';

export type LifecycleState = 'idle' | 'starting' | 'running' | 'restarting' | 'stopping' | 'stopped' | 'failed';

export type LifecycleEvent =
  | { type: 'START' }
  | { type: 'STARTED' }
  | { type: 'RESTART' }
  | { type: 'STOP' }
  | { type: 'STOPPED' }
  | { type: 'EXITED' }
  | { type: 'FAILED' };

export const lifecycleMachine = setup({
  types: { events: {} as LifecycleEvent },
}).createMachine({
  id: 'actor',
  initial: 'idle',
  states: {
    idle: { on: { START: 'starting', STOP: 'stopped' } },
    starting: { on: { STARTED: 'running', FAILED: 'failed', STOP: 'stopping' } },
    running: { on: { RESTART: 'restarting', STOP: 'stopping', EXITED: 'stopped', FAILED: 'failed' } },
    restarting: { on: { STARTED: 'running', RESTART: 'restarting', FAILED: 'failed', STOP: 'stopping' } },
    stopping: { on: { STOPPED: 'stopped', FAILED: 'failed' } },
    stopped: { type: 'final' },
    failed: { type: 'final' },
  },
});

export class Lifecycle {
  private readonly actor: Actor<typeof lifecycleMachine>;
  private current: LifecycleState = 'idle';

  constructor(onMove: (from: LifecycleState, to: LifecycleState) => void) {
    this.actor = createActor(lifecycleMachine);
    this.actor.subscribe((snap) => {
      const to = snap.value as LifecycleState;
      const from = this.current;
      if (to === from) return;
      this.current = to;
      onMove(from, to);
    });
    this.actor.start();
  }

  get state(): LifecycleState {
    return this.current;
  }

  /** Whether the machine accepts `event` now. */
  can(event: LifecycleEvent): boolean {
    return this.actor.getSnapshot().can(event);
  }

  /** Apply `event` if legal; returns whether it moved the machine. */
  tryMove(event: LifecycleEvent): boolean {
    if (!this.can(event)) return false;
    this.actor.send(event);
    return true;
  }

  get alive(): boolean {
    return this.current === 'starting' || this.current === 'running' || this.current === 'restarting';
  }

  get ended(): boolean {
    return this.current === 'stopped' || this.current === 'failed';
  }
}
