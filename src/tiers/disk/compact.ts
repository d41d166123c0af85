/**
 * Compaction: copy every live record, byte for byte, into new segment files,
 * then drop the old segments. Atomic at every step:
 * - each new segment is written under a temporary name, fsynced and renamed
 *   (AtomicFile), whatever the fsync policy;
 * - new segments get ids above every old one, so a restart that finds both
 *   replays the old ones first and the copies last — the same values;
 * - old segments are removed in ascending id order, so a put is never left
 *   behind without the tombstone that deleted it.
 * Records are copied raw: a value that fails its crc32 keeps failing it.
 */
import { open, rm } from 'node:fs/promises';
import { AtomicFile } from '../../format/atomic-file.js';
import { IOError } from '../../errors/index.js';
import { recordBytes } from './record.js';
import { segmentPath, syncDir, type Segment } from './segments.js';
import type { DiskEntry, DiskState } from './state.js';

const COPY_BUFFER = 4 << 20;

export async function compactSegments(st: DiskState, dir: string, segmentBytes: number, newSegment: () => Promise<Segment>): Promise<void> {
  const old = [...st.segments.values()].sort((a, b) => a.id - b.id);
  const oldFootprint = old.reduce((s, seg) => s + seg.size, 0);
  const live = [...st.index.values()].sort((a, b) => a.seg - b.seg || a.offset - b.offset);
  const moved = new Map<DiskEntry, { seg: number; offset: number }>();
  const written: { id: number; size: number }[] = [];

  let file: AtomicFile | undefined;
  let fileId = 0;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const flush = async (): Promise<void> => {
    if (!file || pendingBytes === 0) return;
    await file.write(pending.length === 1 ? pending[0] : Buffer.concat(pending));
    pending = [];
    pendingBytes = 0;
  };
  const seal = async (): Promise<void> => {
    if (!file) return;
    await flush();
    const size = file.position;
    await file.commit();
    written.push({ id: fileId, size });
    file = undefined;
  };

  try {
    for (const e of live) {
      const len = recordBytes(e.keyLen, e.valueLen);
      if (file && file.position + pendingBytes > 0 && file.position + pendingBytes + len > segmentBytes) await seal();
      if (!file) {
        fileId = st.nextId++;
        file = await AtomicFile.create(segmentPath(dir, fileId));
      }
      const src = st.segments.get(e.seg)!;
      const bytes = new Uint8Array(len);
      const { bytesRead } = await src.fh.read(bytes, 0, len, e.offset);
      if (bytesRead !== len) throw new IOError(src.path, `compaction read ${bytesRead} of ${len} bytes at offset ${e.offset}`);
      moved.set(e, { seg: fileId, offset: file.position + pendingBytes });
      pending.push(bytes);
      pendingBytes += len;
      if (pendingBytes >= COPY_BUFFER) await flush();
    }
    await seal();
  } catch (err) {
    await file?.abort();
    for (const w of written) await rm(segmentPath(dir, w.id), { force: true });
    throw err instanceof IOError ? err : new IOError(dir, `compaction failed: ${(err as Error).message}`, { cause: err });
  }

  // The copies are durable: switch the index over, then drop the old segments oldest first.
  for (const w of written) {
    const path = segmentPath(dir, w.id);
    st.segments.set(w.id, { id: w.id, path, fh: await open(path, 'r'), size: w.size });
  }
  for (const [e, to] of moved) {
    e.seg = to.seg;
    e.offset = to.offset;
  }
  for (const seg of old) {
    st.segments.delete(seg.id);
    await seg.fh.close().catch(() => undefined);
    await rm(seg.path, { force: true });
  }
  await syncDir(dir);
  st.active = await newSegment();
  st.counters.compactions++;
  st.counters.reclaimedBytes += oldFootprint - written.reduce((s, w) => s + w.size, 0);
}
