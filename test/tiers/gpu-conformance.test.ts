/**
 * The shared tier conformance suite against the GPU tier: on a real device
 * (Mesa llvmpipe through OpenGL ES in CI) and in budget-only mode. A machine
 * where no device opens FAILS here unless TENSORHIVE_ALLOW_NO_GPU=1, and then
 * it checks that the tier reports the missing device instead of skipping.
 */
import { describe, expect, it } from 'vitest';
import { tierConformance } from './conformance.js';
import { GpuTier, GpuUnavailableError, openGpuDevice } from '../../src/tiers/gpu/index.js';

const CAPACITY = 16 * 1024 * 1024;
// A small bandwidth probe keeps each start cheap; the figure itself is tested elsewhere.
const PROBE = 64 * 1024;

const probe = await openGpuDevice();
if (probe.ok) probe.gpu.close();
const allowNoGpu = process.env.TENSORHIVE_ALLOW_NO_GPU === '1';

tierConformance('gpu (budget only)', async () => ({
  driver: new GpuTier({ name: 'gpu-budget', capacityBytes: CAPACITY, budgetOnly: true, probeBytes: PROBE }),
  capacityBytes: CAPACITY,
  cleanup: async () => undefined,
}));

if (probe.ok) {
  tierConformance(`gpu (device: ${probe.gpu.backend})`, async () => ({
    driver: new GpuTier({ name: 'gpu-device', capacityBytes: CAPACITY, probeBytes: PROBE }),
    capacityBytes: CAPACITY,
    cleanup: async () => undefined,
  }));
} else {
  describe('gpu device', () => {
    it('opens (set TENSORHIVE_ALLOW_NO_GPU=1 only on machines meant to run without one)', async () => {
      if (!allowNoGpu) {
        expect.fail(`no WebGPU device could be opened: ${probe.reason}. CI needs Mesa (libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri); see docs/tiers-gpu.md`);
      }
      // Allowed to run without one: the tier must then say so, typed, with the reason.
      const tier = new GpuTier({ capacityBytes: CAPACITY });
      const err = await tier.start().then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(GpuUnavailableError);
      expect((err as GpuUnavailableError).reason).toBe(probe.reason);
    });
  });
}
