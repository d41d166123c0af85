import { CODECS } from '../../codecs/registry.js';
import { table } from '../table.js';
import { parse } from '../usage.js';

export async function codecsCommand(args: string[]): Promise<number> {
  const { values } = parse(args, { json: { type: 'boolean' } }, 0);
  const rows = CODECS.map((c) => ({
    id: c.id,
    name: c.name,
    family: c.family,
    lossless: c.lossless,
    blockSize: c.blockSize,
    ggmlType: c.ggmlType ?? null,
    defaults: c.params({}),
    summary: c.summary,
  }));
  if (values.json) console.log(JSON.stringify(rows, null, 2));
  else {
    console.log(
      table(
        ['id', 'codec', 'family', 'block', 'ggml', 'summary'],
        rows.map((r) => [r.id, r.name, r.family, r.blockSize, r.ggmlType ?? '-', r.summary]),
      ),
    );
  }
  return 0;
}
