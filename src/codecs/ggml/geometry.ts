/** Block geometry checks shared by the row kernels (quantizeRow… / dequantizeRow…). */
import { ArgumentError } from '../../errors/index.js';

/**
 * Number of blocks for a kernel call: `values` elements must be whole blocks of
 * `qk`, and `bytes` must be exactly that many blocks of `blockBytes`.
 */
export function kernelBlocks(fn: string, values: number, bytes: number, qk: number, blockBytes: number): number {
  if (values % qk !== 0) {
    throw new ArgumentError(`${fn}: ${values} values is not a whole number of ${qk}-element blocks`);
  }
  const nb = values / qk;
  if (bytes !== nb * blockBytes) {
    throw new ArgumentError(`${fn}: ${nb} blocks need ${nb * blockBytes} bytes (${blockBytes} per block), got ${bytes}`);
  }
  return nb;
}
