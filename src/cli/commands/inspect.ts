import { inspectFile } from '../../jobs/inspect-file.js';
import { formatBytes, table } from '../table.js';
import { UsageError, parse } from '../usage.js';

export async function inspectCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' } }, 1);
  const path = positionals[0];
  if (!path) throw new UsageError('inspect needs a file');
  const r = await inspectFile(path);
  if (values.json) {
    console.log(JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2));
    return 0;
  }
  console.log(`${r.path} (${r.format})`);
  console.log(
    table(
      ['tensor', 'shape', 'stored as', 'bytes', 'bits/w'],
      r.tensors.map((t) => [t.name, `[${t.shape.join('x')}]`, t.storedAs, t.bytes, t.bitsPerWeight]),
    ),
  );
  console.log(
    `\n${r.totals.tensors} tensors, ${r.totals.elements} elements, ${formatBytes(r.totals.bytes)}, ` +
      `${r.totals.bitsPerWeight.toFixed(3)} bits/weight`,
  );
  return 0;
}
