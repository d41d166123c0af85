/**
 * Whether the native addon is here. When it is not, the parity tests below
 * have no level to loop over: this test makes that visible in the report,
 * and fails when TENSORHIVE_REQUIRE_NATIVE=1 (CI sets it) so a broken build
 * never passes silently.
 */
import { describe, expect, it } from 'vitest';
import { kernelLevel, kernelLevels, kernels, nativeKernelsEnabled, nativeStatus } from '../../src/kernels/index.js';

const status = nativeStatus();
const required = process.env.TENSORHIVE_REQUIRE_NATIVE === '1';

if (!status.loaded) console.warn(`native addon missing (${status.reason}): kernel parity NOT checked`);

describe('native addon', () => {
  if (status.loaded) {
    it(`is loaded (levels: ${kernelLevels().join(', ')}; in use: ${kernelLevel()})`, () => {
      expect(nativeKernelsEnabled()).toBe(true);
      expect(kernelLevels()).toContain('scalar');
      expect(kernelLevels()).toContain(kernelLevel());
      expect(kernels.dequantize[8]).toBeTypeOf('function');
    });
  } else {
    it(`is MISSING (${status.reason}): parity NOT checked${required ? '' : ' — set TENSORHIVE_REQUIRE_NATIVE=1 to fail'}`, () => {
      expect(required, `TENSORHIVE_REQUIRE_NATIVE=1 but the addon is missing: ${status.reason}`).toBe(false);
      // The fallback: no native entries, TS kernels in use.
      expect(kernelLevel()).toBe('ts');
      expect(Object.keys(kernels.dequantize)).toEqual([]);
    });
  }
});
