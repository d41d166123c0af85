/**
 * What the runtime tells the world. Every event carries the clock time; under
 * a SimulatedClock and a seeded scheduler the sequence of events is the trace
 * that a seed reproduces exactly.
 */
import type { LifecycleState } from './lifecycle.js';

export type DeadLetterReason = 'not_alive' | 'unknown_actor' | 'stash_overflow';

export type RuntimeEvent =
  | { readonly type: 'lifecycle'; readonly at: number; readonly actor: string; readonly from: LifecycleState; readonly to: LifecycleState }
  | { readonly type: 'receive'; readonly at: number; readonly actor: string; readonly kind: 'send' | 'call' | 'signal' }
  | { readonly type: 'exit'; readonly at: number; readonly actor: string; readonly reason: string }
  | { readonly type: 'restart'; readonly at: number; readonly supervisor: string; readonly child: string; readonly delayMs: number }
  | { readonly type: 'escalate'; readonly at: number; readonly supervisor: string; readonly restarts: number }
  | { readonly type: 'deadLetter'; readonly at: number; readonly actor: string; readonly reason: DeadLetterReason }
  | { readonly type: 'fault'; readonly at: number; readonly actor: string; readonly message: number }
  | { readonly type: 'log'; readonly at: number; readonly actor: string; readonly level: string; readonly message: string };

export type RuntimeEventType = RuntimeEvent['type'];
export type Listener = (e: RuntimeEvent) => void;

export class EventBus {
  private listeners: Listener[] = [];

  /** True when someone listens (cheap check before building an event). */
  get active(): boolean {
    return this.listeners.length > 0;
  }

  subscribe(fn: Listener): () => void {
    this.listeners = [...this.listeners, fn];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== fn);
    };
  }

  emit(e: RuntimeEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // A listener's bug must not take the runtime down.
      }
    }
  }
}

/** One line per event, stable across runs (for trace comparison). */
export function formatEvent(e: RuntimeEvent): string {
  switch (e.type) {
    case 'lifecycle':
      return `${e.at} ${e.actor} ${e.from}->${e.to}`;
    case 'receive':
      return `${e.at} ${e.actor} receive ${e.kind}`;
    case 'exit':
      return `${e.at} ${e.actor} exit ${e.reason}`;
    case 'restart':
      return `${e.at} ${e.supervisor} restart ${e.child} +${e.delayMs}`;
    case 'escalate':
      return `${e.at} ${e.supervisor} escalate ${e.restarts}`;
    case 'deadLetter':
      return `${e.at} ${e.actor} deadLetter ${e.reason}`;
    case 'fault':
      return `${e.at} ${e.actor} fault #${e.message}`;
    case 'log':
      return `${e.at} ${e.actor} ${e.level} ${e.message}`;
  }
}
