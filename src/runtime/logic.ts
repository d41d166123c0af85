/**
 * What an actor is: an inert description. Nothing runs until a host starts it
 * (inline in this thread, or in its own worker thread); the same logic runs in
 * either host. State is a value handed back by each callback.
 */
import type { Clock } from '../clock/index.js';
import type { ExitReason } from './reason.js';

/** A monitor's DOWN notice, or a trapped EXIT from a linked actor. */
export type Signal =
  | { readonly type: 'down'; readonly monitor: number; readonly actor: string; readonly reason: ExitReason }
  | { readonly type: 'exit'; readonly from: string; readonly reason: ExitReason };

export interface CallOptions {
  /** Reject with TimeoutError after this many ms (default 5000, like gen_server). */
  readonly timeoutMs?: number;
  /** ArrayBuffers in the message to move (not copy) to the actor's thread. */
  readonly transfer?: readonly ArrayBuffer[];
}

/** A stable address. Sends from one sender arrive in the order sent. */
export interface ActorRef<M = unknown, R = unknown> {
  readonly id: string;
  /** Fire and forget. `transfer` lists ArrayBuffers in `msg` to move. */
  send(msg: M, transfer?: readonly ArrayBuffer[]): void;
  /** Request/response: resolves with the reply, rejects with TimeoutError, ActorDeadError or RemoteError. */
  call(msg: M, options?: CallOptions): Promise<R>;
}

/** An actor addressed by ref or by its path (e.g. 'root/tiers/ram'). */
export type Address<M = unknown, R = unknown> = ActorRef<M, R> | string;

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** What an actor's callbacks can do. */
export interface ActorContext<M = unknown, R = unknown> {
  readonly self: ActorRef<M, R>;
  readonly clock: Clock;
  send<T>(to: Address<T>, msg: T, transfer?: readonly ArrayBuffer[]): void;
  call<T, U>(to: Address<T, U>, msg: T, options?: CallOptions): Promise<U>;
  /** One-way: a 'down' signal arrives when `to` exits (at once with 'noproc' if it is not alive). */
  monitor(to: Address): number;
  demonitor(monitor: number): void;
  /** Two-way: if either exits abnormally, the other exits too, unless it traps exits. */
  link(to: Address): void;
  unlink(to: Address): void;
  /** Finish the current message, run terminate, and exit with `reason`. */
  exit(reason?: ExitReason): void;
  log(level: LogLevel, message: string): void;
}

/** A reply to a call, with the next state. */
export class Reply<S, R> {
  constructor(
    readonly state: S,
    readonly value: R,
    readonly transfer?: readonly ArrayBuffer[],
  ) {}
}

/** `return reply(state, value)` from receive answers a call. */
export function reply<S, R>(state: S, value: R, transfer?: readonly ArrayBuffer[]): Reply<S, R> {
  return new Reply(state, value, transfer);
}

type Awaitable<T> = T | Promise<T>;

export interface ActorLogic<S = any, M = any, R = any, A = any> {
  /** The first state. Throwing here fails the start. */
  init(ctx: ActorContext<M, R>, arg: A): Awaitable<S>;
  /** Handle one message. Return the next state, or `reply(state, value)` to answer a call. Throwing crashes the actor. */
  receive(state: S, msg: M, ctx: ActorContext<M, R>): Awaitable<S | Reply<S, R>>;
  /** DOWN notices and trapped EXITs. Without it they are dropped. */
  signal?(state: S, signal: Signal, ctx: ActorContext<M, R>): Awaitable<S>;
  /** Runs on an orderly stop (not on a crash or a kill). */
  terminate?(state: S, reason: ExitReason, ctx: ActorContext<M, R>): Awaitable<void>;
  /** Turn EXITs from linked actors into signals instead of dying (Erlang's trap_exit). */
  readonly trapExit?: boolean;
}

/** Identity with inference: `export default defineActor({ init, receive })`. */
export function defineActor<S, M, R = undefined, A = void>(logic: ActorLogic<S, M, R, A>): ActorLogic<S, M, R, A> {
  return logic;
}

export type MsgOf<L> = L extends ActorLogic<any, infer M, any, any> ? M : never;
export type ReplyOf<L> = L extends ActorLogic<any, any, infer R, any> ? R : never;
export type RefOf<L> = ActorRef<MsgOf<L>, ReplyOf<L>>;

export function isPromiseLike<T>(v: unknown): v is PromiseLike<T> {
  return v !== null && typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function';
}

export const DEFAULT_CALL_TIMEOUT_MS = 5000;
