/** Typed hive events: `on(type, fn)` returns the function that unsubscribes. A throwing listener never breaks the hive. */
import type { HiveEvent } from './types.js';

export type HiveEventType = HiveEvent['type'];
export type HiveListener<T extends HiveEventType> = (e: Extract<HiveEvent, { type: T }>) => void;

export class Emitter {
  private readonly byType = new Map<HiveEventType, Set<(e: HiveEvent) => void>>();

  on<T extends HiveEventType>(type: T, fn: HiveListener<T>): () => void {
    let set = this.byType.get(type);
    if (!set) this.byType.set(type, (set = new Set()));
    const f = fn as (e: HiveEvent) => void;
    set.add(f);
    return () => set!.delete(f);
  }

  emit(e: HiveEvent): void {
    const set = this.byType.get(e.type);
    if (!set) return;
    for (const f of [...set]) {
      try {
        f(e);
      } catch {
        // A listener's bug is its own; the hive goes on.
      }
    }
  }
}
