export { exposeSystem } from './expose.js';
export type { ExposeOptions, ExposedSystem } from './expose.js';
export { connectSystem } from './connect.js';
export type { SystemClient, ClientCallOptions } from './connect.js';
export type { SystemLike } from './system-like.js';
export { actorSystemTarget, exposeActorSystem } from './actor-system.js';
