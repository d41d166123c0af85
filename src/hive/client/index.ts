/** The comlink client: a service's worker threads use a hive running in its main thread. */
export { exposeHive, hiveTarget, type ExposableHive, type ExposeHiveOptions } from './expose.js';
export { connectHive, type ClientPutOptions, type HiveClient } from './connect.js';
export type { WireTensor } from './wire.js';
