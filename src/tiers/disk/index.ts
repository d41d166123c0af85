export { DiskTier } from './disk-tier.js';
export type { DiskIo, DiskTierOptions, FsyncPolicy } from './options.js';
export { DEFAULT_SEGMENT_BYTES } from './options.js';
