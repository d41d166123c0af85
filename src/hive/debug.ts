/** `hive.debug`: test and chaos hooks over the hive's tree; not part of the stable API. */
import { ArgumentError } from '../errors/index.js';
import type { TierKind } from '../tiers/driver.js';
import type { RamLocation, RamSlabs } from '../tiers/ram/index.js';
import type { HiveCore } from './core.js';
import type { Tree } from './tree.js';

export interface HiveDebug {
  /** End the tier actor's worker thread at once (inline hosts: crash it by message). */
  killTier(kind: TierKind): void;
  /** Resolves at the next restart of that tier's actor. */
  restarted(kind: TierKind): Promise<void>;
  /** The tier key chunk `index` of `key` is stored under. */
  tierKeyOf(key: string, index: number): string;
  /** Raw access to a tier actor (corrupt a blob, inspect keys). */
  tierPut(kind: TierKind, tierKey: string, blob: Uint8Array): Promise<void>;
  tierKeys(kind: TierKind): Promise<string[]>;
  /** The RAM slabs (this thread's), to inspect or damage bytes in place. */
  readonly ramSlabs: RamSlabs | undefined;
  /** Where the hive's lock-free RAM reads find `tierKey` (undefined: not known, reads ask the actor). */
  ramLocation(tierKey: string): RamLocation | undefined;
  readonly core: HiveCore;
}

export function makeDebug(core: HiveCore, tree: Tree): HiveDebug {
  return {
    core,
    killTier: (kind) => {
      const word = tree.kills.get(kind);
      if (!word) throw new ArgumentError(`no tier ${kind}`);
      if (core.options.workers) {
        const w = new Int32Array(word);
        Atomics.add(w, 0, 1);
        Atomics.notify(w, 0);
      } else void core.client(kind).crash();
    },
    restarted: (kind) => new Promise<void>((resolve) => {
      const off = core.events.on('restart', (e) => {
        if (e.tier === kind) {
          off();
          resolve();
        }
      });
    }),
    tierKeyOf: (key, index) => core.tierKeyOf({ key, index }),
    tierPut: (kind, tierKey, blob) => core.client(kind).put(tierKey, blob),
    tierKeys: (kind) => core.client(kind).keys(),
    ramSlabs: tree.slabs,
    ramLocation: (tierKey) => (core.clients.has('ram') ? core.client('ram').localLocation(tierKey) : undefined),
  };
}
