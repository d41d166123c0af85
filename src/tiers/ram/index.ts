export { RamTier, type RamTierOptions } from './ram-tier.js';
export { RamSlabs, type RamSlabsOptions, type RamSlabsShared, DEFAULT_SLAB_BYTES, MIN_BLOCK_BYTES, MAX_SLAB_BYTES } from './slabs.js';
export { RamReader, type RamLocation, type RamReaderCounters } from './reader.js';
export { blockBytes as ramBlockBytes } from './record.js';
