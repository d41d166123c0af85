/**
 * Segment files: `<id>.seg` with a zero-padded decimal id, appended in id
 * order. File names come only from ids — never from keys — so no key can name
 * a path outside the tier's directory.
 */
import { open, readdir, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

const SEGMENT_NAME = /^(\d{10})\.seg$/;
const TEMP_NAME = /^\.\d{10}\.seg\.[0-9a-f]+\.tmp$/;

export interface Segment {
  id: number;
  path: string;
  fh: FileHandle;
  size: number;
}

export function segmentPath(dir: string, id: number): string {
  return join(dir, `${String(id).padStart(10, '0')}.seg`);
}

/** Segment ids in the directory, ascending; leftover temporary files of an interrupted compaction are removed. */
export async function listSegments(dir: string): Promise<number[]> {
  const ids: number[] = [];
  for (const name of await readdir(dir)) {
    const m = SEGMENT_NAME.exec(name);
    if (m) ids.push(Number(m[1]));
    else if (TEMP_NAME.test(name)) await rm(join(dir, name), { force: true });
  }
  return ids.sort((a, b) => a - b);
}

/** fsync a directory so that created, renamed or removed names are durable. */
export { syncDir } from '../../format/atomic-file.js';
