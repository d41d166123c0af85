/**
 * Chunk residency as an xstate machine, run with pure transitions (one
 * snapshot per chunk, no actor per chunk): absent → loading → resident(tier)
 * → moving(to) → resident(to) | evicting → absent. A move not drawn here, or
 * one whose guard fails (evicting a leased or pinned chunk), leaves the
 * snapshot unchanged, so the catalog can refuse it.
 */
import { assign, createActor, initialTransition, setup, transition, type SnapshotFrom } from 'xstate';
import type { TierKind } from '../tiers/driver.js';

export type ResidencyState = 'absent' | 'loading' | 'resident' | 'moving' | 'evicting';

export interface ResidencyContext {
  /** The tier holding the chunk's primary bytes (resident, moving, evicting). */
  tier: TierKind | undefined;
  /** Where a load or a move is going. */
  target: TierKind | undefined;
  leases: number;
  pinned: boolean;
}

export type ResidencyEvent =
  | { type: 'LOAD'; tier: TierKind }
  | { type: 'LOADED' }
  | { type: 'LOAD_FAILED' }
  | { type: 'MOVE'; to: TierKind }
  | { type: 'MOVED' }
  | { type: 'MOVE_FAILED' }
  | { type: 'EVICT' }
  | { type: 'EVICTED' }
  | { type: 'EVICT_FAILED' }
  | { type: 'LEASE' }
  | { type: 'RELEASE' }
  | { type: 'PIN' }
  | { type: 'UNPIN' };

export type ResidencyEventType = ResidencyEvent['type'];

export const residencyMachine = setup({
  types: { context: {} as ResidencyContext, events: {} as ResidencyEvent },
  guards: {
    // Leased or pinned bytes stay where they are: no demotion, no eviction.
    movable: ({ context }) => context.leases === 0 && !context.pinned,
    leased: ({ context }) => context.leases > 0,
  },
}).createMachine({
  id: 'chunk',
  initial: 'absent',
  context: { tier: undefined, target: undefined, leases: 0, pinned: false },
  on: {
    PIN: { actions: assign({ pinned: true }) },
    UNPIN: { actions: assign({ pinned: false }) },
    RELEASE: { guard: 'leased', actions: assign({ leases: ({ context }) => context.leases - 1 }) },
  },
  states: {
    absent: {
      on: { LOAD: { target: 'loading', actions: assign({ target: ({ event }) => event.tier }) } },
    },
    loading: {
      on: {
        LOADED: { target: 'resident', actions: assign({ tier: ({ context }) => context.target, target: undefined }) },
        LOAD_FAILED: { target: 'absent', actions: assign({ target: undefined }) },
      },
    },
    resident: {
      on: {
        LEASE: { actions: assign({ leases: ({ context }) => context.leases + 1 }) },
        MOVE: {
          guard: ({ context, event }) => context.leases === 0 && !context.pinned && event.to !== context.tier,
          target: 'moving',
          actions: assign({ target: ({ event }) => event.to }),
        },
        EVICT: { guard: 'movable', target: 'evicting' },
      },
    },
    moving: {
      // The source copy stays readable while the bytes travel.
      on: {
        MOVED: { target: 'resident', actions: assign({ tier: ({ context }) => context.target, target: undefined }) },
        MOVE_FAILED: { target: 'resident', actions: assign({ target: undefined }) },
      },
    },
    evicting: {
      on: {
        EVICTED: { target: 'absent', actions: assign({ tier: undefined }) },
        EVICT_FAILED: { target: 'resident' },
      },
    },
  },
});

export type ResidencySnapshot = SnapshotFrom<typeof residencyMachine>;

const INITIAL: ResidencySnapshot = initialTransition(residencyMachine)[0];

/**
 * xstate's public `transition()` builds a throwaway actor per call (~90 µs);
 * one inert scope reused for every pure transition costs ~20 µs. The machine
 * has no side-effecting actions (assign only), so the scope never acts.
 * Falls back to the public function if xstate's internals change.
 */
type Scope = Parameters<typeof residencyMachine.transition>[2];
const SCOPE: Scope | undefined = (() => {
  const scope = (createActor(residencyMachine) as unknown as { _actorScope?: Scope & { actionExecutor?: unknown } })._actorScope;
  if (!scope || typeof scope !== 'object') return undefined;
  scope.actionExecutor = () => {};
  return scope;
})();

/** The snapshot every chunk starts from (snapshots are immutable, so one is shared). */
export function initialResidency(): ResidencySnapshot {
  return INITIAL;
}

/**
 * Transitions are pure functions of (state, context, event) and snapshots are
 * immutable, so each distinct step is computed by the machine once and then
 * reused: a chunk's move costs a map lookup, not a machine run. The context
 * is tiny (tier, target, lease count, pinned), so the table stays small;
 * lease counts above LEASE_MEMO are computed each time.
 */
const LEASE_MEMO = 64;
const memo = new Map<string, ResidencySnapshot | null>();

function memoKey(snap: ResidencySnapshot, event: ResidencyEvent): string | undefined {
  const c = snap.context;
  if (c.leases > LEASE_MEMO) return undefined;
  const arg = event.type === 'LOAD' ? event.tier : event.type === 'MOVE' ? event.to : '';
  return `${String(snap.value)}|${c.tier ?? ''}|${c.target ?? ''}|${c.leases}|${c.pinned ? 1 : 0}|${event.type}|${arg}`;
}

function compute(snap: ResidencySnapshot, event: ResidencyEvent): ResidencySnapshot | undefined {
  if (!snap.can(event)) return undefined;
  return SCOPE ? residencyMachine.transition(snap, event, SCOPE) : transition(residencyMachine, snap, event)[0];
}

/** The next snapshot, or undefined when the machine refuses `event`. */
export function nextResidency(snap: ResidencySnapshot, event: ResidencyEvent): ResidencySnapshot | undefined {
  const key = memoKey(snap, event);
  if (key === undefined) return compute(snap, event);
  const hit = memo.get(key);
  if (hit !== undefined) return hit ?? undefined;
  const next = compute(snap, event);
  memo.set(key, next ?? null);
  return next;
}

/** Why `event` is refused in `snap`, for error messages. */
export function refusalReason(snap: ResidencySnapshot, event: ResidencyEvent): string {
  const c = snap.context;
  const state = snap.value as ResidencyState;
  if ((event.type === 'EVICT' || event.type === 'MOVE') && state === 'resident') {
    if (c.pinned) return 'the chunk is pinned';
    if (c.leases > 0) return `the chunk has ${c.leases} lease(s)`;
    if (event.type === 'MOVE' && event.to === c.tier) return `the chunk is already on ${c.tier}`;
  }
  if (event.type === 'RELEASE') return 'the chunk has no lease';
  if (event.type === 'LOAD') return 'the chunk is already loaded or in flight';
  return `${event.type} is not a move from ${state}`;
}
