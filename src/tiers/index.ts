/** Tier drivers: the contract, key rules, and the RAM and disk drivers. */
export type { TierDriver, TierFlags, TierKind, TierStats } from './driver.js';
export { MAX_KEY_BYTES } from './driver.js';
export { checkKey } from './key.js';
export * from './ram/index.js';
export * from './disk/index.js';
export * from './gpu/index.js';
