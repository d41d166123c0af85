/**
 * What `exposeSystem` needs from an actor system: call by name with an
 * optional timeout, and fire-and-forget send. Any object with this shape can
 * be exposed to a service's worker threads.
 */
export interface SystemLike {
  call(target: string, msg: unknown, options?: { timeout?: number }): Promise<unknown>;
  send(target: string, msg: unknown): unknown;
}
