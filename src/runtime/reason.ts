/**
 * Exit reasons, in Erlang's vocabulary. `normal` and `shutdown` are ordinary
 * ends; everything else (a thrown error, `killed`, a missed health ping) is
 * abnormal: transient children restart on it and links propagate it.
 */
import { describeReason } from '../errors/index.js';

export type ExitReason = 'normal' | 'shutdown' | 'killed' | 'noproc' | Error;

/** True for reasons a `transient` child restarts on and links propagate. */
export function isAbnormal(reason: ExitReason): boolean {
  return reason !== 'normal' && reason !== 'shutdown';
}

/** A stable one-line description (used in events and traces). */
export function describeExit(reason: ExitReason): string {
  if (typeof reason === 'string') return reason;
  const code = (reason as { code?: unknown }).code;
  return typeof code === 'string' ? `${reason.name}[${code}]: ${reason.message}` : describeReason(reason);
}
