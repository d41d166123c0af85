/**
 * Start-up recovery of one segment: scan it (scan.ts has the rules), truncate
 * a torn tail of the last segment, and replay its records into the index in
 * file order (a later record of a key replaces an earlier one; a tombstone
 * removes it).
 */
import { open } from 'node:fs/promises';
import { recordBytes } from './record.js';
import { scanSegment } from './scan.js';
import { segmentPath, type Segment } from './segments.js';
import type { DiskEntry, DiskState } from './state.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Open segment `id`, recover it and add its records to `st` (`durable`: fsync a truncation). */
export async function loadSegment(st: DiskState, dir: string, id: number, last: boolean, durable: boolean): Promise<void> {
  const path = segmentPath(dir, id);
  const fh = await open(path, last ? 'r+' : 'r');
  const seg: Segment = { id, path, fh, size: (await fh.stat()).size };
  st.segments.set(id, seg);
  const scan = await scanSegment(fh, seg.size, last, last);
  if (scan.tornAt !== undefined) {
    st.counters.tornTailBytes += seg.size - scan.tornAt;
    await fh.truncate(scan.tornAt);
    if (durable) await fh.sync();
    seg.size = scan.tornAt;
  }
  st.counters.corruptRegions += scan.corruptRegions;
  st.counters.corruptRegionBytes += scan.corruptRegionBytes;
  for (const r of scan.records) {
    let key: string;
    try {
      key = decoder.decode(r.key);
    } catch {
      st.counters.corruptRegions++; // hcrc matched but the key is not UTF-8: not ours
      continue;
    }
    const old = st.index.get(key);
    if (old) {
      st.usedBytes -= old.valueLen;
      st.liveRecordBytes -= recordBytes(old.keyLen, old.valueLen);
    }
    if (r.header.tombstone) {
      st.index.delete(key);
      continue;
    }
    const e: DiskEntry = { seg: id, offset: r.offset, keyLen: r.header.keyLen, valueLen: r.header.valueLen, corrupt: r.corrupt };
    if (r.corrupt) st.counters.corruptRecords++;
    st.index.set(key, e);
    st.usedBytes += e.valueLen;
    st.liveRecordBytes += recordBytes(e.keyLen, e.valueLen);
  }
}
