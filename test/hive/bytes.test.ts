import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors/index.js';
import { formatBytes, parseByteSize } from '../../src/hive/bytes.js';

describe('parseByteSize', () => {
  it('reads numbers and binary and decimal units', () => {
    expect(parseByteSize(4096, 'x')).toBe(4096);
    expect(parseByteSize('64MiB', 'x')).toBe(64 * 1024 * 1024);
    expect(parseByteSize('2GiB', 'x')).toBe(2 * 1024 ** 3);
    expect(parseByteSize('512kB', 'x')).toBe(512_000);
    expect(parseByteSize('1.5GB', 'x')).toBe(1_500_000_000);
    expect(parseByteSize(' 12 b ', 'x')).toBe(12);
    expect(parseByteSize('1.5KiB', 'x')).toBe(1536);
    expect(parseByteSize('0', 'x')).toBe(0);
  });

  it('refuses junk with an ArgumentError naming the option', () => {
    for (const bad of ['', 'lots', '12 parsecs', '-1MiB', '1e3', NaN, -5, 1.5, Infinity, null, {}, '99999999999TiB']) {
      const err = (() => {
        try {
          parseByteSize(bad as never, 'options.tiers.ram');
        } catch (e) {
          return e;
        }
      })();
      expect(err, String(bad)).toBeInstanceOf(ArgumentError);
      expect((err as Error).message).toContain('options.tiers.ram');
    }
  });

  it('formats sizes for people', () => {
    expect(formatBytes(12)).toBe('12 B');
    expect(formatBytes(1536)).toBe('1.50 KiB');
  });
});
