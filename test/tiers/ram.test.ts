import { tierConformance } from './conformance.js';
import { RamSlabs, RamTier } from '../../src/tiers/ram/index.js';

const CAPACITY = 16 * 1024 * 1024;

tierConformance('ram', async () => {
  const slabs = RamSlabs.create({ capacityBytes: CAPACITY, slabBytes: 8 * 1024 * 1024 });
  return { driver: new RamTier({ name: 'ram-test', slabs }), capacityBytes: CAPACITY, cleanup: async () => undefined };
});
