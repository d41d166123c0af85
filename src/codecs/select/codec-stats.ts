/**
 * Per-codec statistics over many selections: how often a codec was tried and
 * chosen, bytes in/out of its chosen encodings (average ratio, bytes saved)
 * and time spent trying it. Plain data: the CLI prints `rows()`, the hive
 * exports it.
 */
export interface CodecStatsRow {
  codec: string;
  /** Encodings tried (chosen or not). */
  attempts: number;
  /** Times this codec was the one picked. */
  chosen: number;
  /** Source bytes and payload bytes of the tensors it was picked for. */
  bytesIn: number;
  bytesOut: number;
  /** bytesIn / bytesOut over the picked tensors (1 when none). */
  avgRatio: number;
  bytesSaved: number;
  /** Milliseconds spent in its encode (+ verify) attempts, by the injected clock. */
  ms: number;
}

export class CodecStats {
  private readonly byCodec = new Map<string, CodecStatsRow>();

  private row(codec: string): CodecStatsRow {
    let r = this.byCodec.get(codec);
    if (!r) {
      r = { codec, attempts: 0, chosen: 0, bytesIn: 0, bytesOut: 0, avgRatio: 1, bytesSaved: 0, ms: 0 };
      this.byCodec.set(codec, r);
    }
    return r;
  }

  /** One encode attempt of `codec` that took `ms`. */
  attempt(codec: string, ms: number): void {
    const r = this.row(codec);
    r.attempts++;
    r.ms += ms;
  }

  /** `codec` was picked for a tensor of `bytesIn` source bytes, writing `bytesOut`. */
  chose(codec: string, bytesIn: number, bytesOut: number): void {
    const r = this.row(codec);
    r.chosen++;
    r.bytesIn += bytesIn;
    r.bytesOut += bytesOut;
    r.bytesSaved = r.bytesIn - r.bytesOut;
    r.avgRatio = r.bytesOut === 0 ? 1 : r.bytesIn / r.bytesOut;
  }

  /** A copy of every row, sorted by codec name. */
  rows(): CodecStatsRow[] {
    return [...this.byCodec.values()].map((r) => ({ ...r })).sort((a, b) => a.codec.localeCompare(b.codec));
  }

  /** Totals over all codecs. */
  totals(): { tensors: number; bytesIn: number; bytesOut: number; ratio: number; ms: number } {
    let tensors = 0;
    let bytesIn = 0;
    let bytesOut = 0;
    let ms = 0;
    for (const r of this.byCodec.values()) {
      tensors += r.chosen;
      bytesIn += r.bytesIn;
      bytesOut += r.bytesOut;
      ms += r.ms;
    }
    return { tensors, bytesIn, bytesOut, ratio: bytesOut === 0 ? 1 : bytesIn / bytesOut, ms };
  }
}
