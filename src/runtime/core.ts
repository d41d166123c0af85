/**
 * What actor cells and hosts need from their system (kept as an interface so
 * cells, hosts and the system do not import each other in a circle).
 */
import type { Clock } from '../clock/index.js';
import type { CallTable } from './calls.js';
import type { Dispatcher } from './dispatcher.js';
import type { DeadLetterReason, EventBus } from './events.js';
import type { Delivery } from './host.js';
import type { ActorCell } from './actor-cell.js';
import type { Address } from './logic.js';

/** Decides, before an inline actor handles its n-th message (1-based), whether to crash it. */
export type FaultInjector = (actor: string, n: number) => boolean;

export interface RuntimeCore {
  readonly clock: Clock;
  readonly events: EventBus;
  readonly calls: CallTable;
  readonly dispatcher: Dispatcher;
  readonly faults: FaultInjector | undefined;
  readonly traceReceives: boolean;
  nextMonitorId(): number;
  resolve(addr: Address): ActorCell | undefined;
  deadLetter(actor: string, d: Delivery, reason: DeadLetterReason): void;
}
