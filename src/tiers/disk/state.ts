/** The disk tier's in-memory state while started: open segments and the key index. */
import type { Segment } from './segments.js';

export interface DiskEntry {
  /** Segment id and offset of the key's latest record. */
  seg: number;
  offset: number;
  keyLen: number;
  valueLen: number;
  /** The value failed its crc32 at start: get() reports it instead of reading. */
  corrupt: boolean;
}

export interface DiskCounters {
  fsyncs: number;
  compactions: number;
  compactionFailures: number;
  reclaimedBytes: number;
  tornTailBytes: number;
  corruptRecords: number;
  corruptRegions: number;
  corruptRegionBytes: number;
}

export interface DiskState {
  segments: Map<number, Segment>;
  active: Segment;
  index: Map<string, DiskEntry>;
  /** Sum of live values' bytes (what capacity counts). */
  usedBytes: number;
  /** Sum of live records' bytes (header + key + value). */
  liveRecordBytes: number;
  counters: DiskCounters;
  io: { readBytes: number; readMs: number; writeBytes: number; writeMs: number };
  nextId: number;
  compacting?: boolean;
}
