/**
 * Which tensors a file job compresses: include/exclude globs over tensor names
 * and a minimum element count. Everything not selected is copied unchanged.
 */
import picomatch from 'picomatch';
import { ArgumentError } from '../errors/index.js';

export interface SelectOptions {
  /** Globs; a tensor is a candidate when it matches any (default: all). */
  include?: readonly string[];
  /** Globs; a matching tensor is never compressed. */
  exclude?: readonly string[];
  /** Tensors with fewer elements stay as they are (default 0). */
  minElements?: number;
}

export type Selection = { selected: true } | { selected: false; reason: string };

export class TensorSelector {
  private readonly include: ((name: string) => boolean) | undefined;
  private readonly exclude: ((name: string) => boolean) | undefined;
  private readonly minElements: number;

  constructor(options: SelectOptions = {}) {
    const minElements = options.minElements ?? 0;
    if (!Number.isSafeInteger(minElements) || minElements < 0) {
      throw new ArgumentError(`options.minElements must be a non-negative integer, got ${String(options.minElements)}`);
    }
    this.minElements = minElements;
    this.include = compile(options.include, 'include');
    this.exclude = compile(options.exclude, 'exclude');
  }

  select(name: string, numel: number): Selection {
    if (this.include && !this.include(name)) return { selected: false, reason: 'not included' };
    if (this.exclude?.(name)) return { selected: false, reason: 'excluded' };
    if (numel < this.minElements) return { selected: false, reason: `fewer than ${this.minElements} elements` };
    return { selected: true };
  }
}

function compile(globs: readonly string[] | undefined, what: string): ((name: string) => boolean) | undefined {
  if (!globs || globs.length === 0) return undefined;
  for (const g of globs) {
    if (typeof g !== 'string' || g.length === 0) throw new ArgumentError(`options.${what} must hold non-empty glob strings`);
  }
  // Tensor names use dots, not slashes: `*` should match across dots too.
  return picomatch([...globs], { dot: true, nobrace: false, bash: true });
}
