import { tierConformance } from './conformance.js';
import { DiskTier } from '../../src/tiers/disk/index.js';
import { tempDir } from '../helpers/tmp.js';

const CAPACITY = 16 * 1024 * 1024;

tierConformance('disk', async () => {
  const { dir, cleanup } = await tempDir('tensorhive-disk-');
  // Small segments so rotation happens inside the suite; fsync 'batch' as a hive would run it.
  return { driver: new DiskTier({ name: 'disk-test', dir, capacityBytes: CAPACITY, segmentBytes: 1 << 20, fsync: 'batch', batchMs: 5 }), capacityBytes: CAPACITY, cleanup };
});

tierConformance('disk (io sync)', async () => {
  const { dir, cleanup } = await tempDir('tensorhive-disk-');
  // How the hive runs it in a worker thread: blocking positional reads and writes.
  return { driver: new DiskTier({ name: 'disk-test', dir, capacityBytes: CAPACITY, segmentBytes: 1 << 20, fsync: 'batch', batchMs: 5, io: 'sync' }), capacityBytes: CAPACITY, cleanup };
});
