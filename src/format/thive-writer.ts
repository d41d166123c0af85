/**
 * Streaming .thive writer: blobs are appended as they come, the index and
 * footer are written at commit, and the file appears under its final name
 * only then (AtomicFile: temp file, fsync, rename). An aborted or crashed
 * write leaves no file under the final name.
 */
import { ArgumentError } from '../errors/index.js';
import { AtomicFile } from './atomic-file.js';
import { decodeBlob } from './blob.js';
import { crc32 } from './checksum.js';
import { type ThiveEntry, checkMetadata, checkName, encodeIndex } from './thive-index.js';
import { alignUp, encodeFileHeader, encodeFooter } from './thive-layout.js';

type State = 'open' | 'committing' | 'committed' | 'aborted' | 'failed';

export class ThiveWriter {
  private readonly entries: ThiveEntry[] = [];
  private readonly names = new Set<string>();
  /** Writes run one after another even when add() is not awaited. */
  private tail: Promise<void> = Promise.resolve();
  private state: State = 'open';
  private failure: unknown;

  private constructor(
    private readonly file: AtomicFile,
    private readonly metadata: Record<string, string>,
  ) {}

  /** Start a .thive file at `path` (nothing appears there until commit). */
  static async create(path: string, metadata: Record<string, string> = {}): Promise<ThiveWriter> {
    if (typeof path !== 'string' || path.length === 0) throw new ArgumentError('path must be a non-empty string');
    const meta = checkMetadata(metadata, (m) => new ArgumentError(`metadata ${m}`));
    const file = await AtomicFile.create(path);
    const w = new ThiveWriter(file, meta);
    await w.enqueue(() => file.write(encodeFileHeader()));
    return w;
  }

  get path(): string {
    return this.file.path;
  }

  /**
   * Append one blob under `name`. The blob is verified (header, length,
   * checksum) before anything is written; a bad blob throws its
   * FormatError/IntegrityError and the writer stays usable.
   */
  async add(name: string, blob: Uint8Array): Promise<void> {
    this.checkOpen();
    checkName(name, (m) => new ArgumentError(`name ${m}`));
    if (this.names.has(name)) throw new ArgumentError(`a tensor named ${JSON.stringify(name.slice(0, 80))} was already added`);
    const { header } = decodeBlob(blob);
    this.names.add(name);
    await this.enqueue(async () => {
      const offset = alignUp(this.file.position);
      if (offset > this.file.position) await this.file.write(new Uint8Array(offset - this.file.position));
      await this.file.write(blob);
      this.entries.push({ name, offset, length: blob.byteLength, header });
    });
  }

  /** Tensors added so far. */
  get count(): number {
    return this.names.size;
  }

  /** Write index and footer, fsync, and move the file to its final name. */
  async commit(): Promise<void> {
    this.checkOpen();
    this.state = 'committing';
    await this.enqueue(async () => {
      const indexOffset = alignUp(this.file.position);
      if (indexOffset > this.file.position) await this.file.write(new Uint8Array(indexOffset - this.file.position));
      const index = encodeIndex(this.metadata, this.entries);
      await this.file.write(index);
      await this.file.write(encodeFooter({ indexOffset, indexLength: index.byteLength, indexCrc: crc32(index) }));
      await this.file.commit();
      this.state = 'committed';
    });
  }

  /**
   * Drop everything written; the final path is left as it was. Safe to call
   * twice. Once commit() has started, abort waits for it and does nothing if
   * the commit succeeded.
   */
  async abort(): Promise<void> {
    if (this.state === 'committed') return;
    if (this.state !== 'committing') this.state = 'aborted'; // queued adds bail out
    await this.tail;
    if ((this.state as State) === 'committed') return; // commit ran meanwhile
    this.state = 'aborted';
    await this.file.abort();
  }

  private checkOpen(): void {
    if (this.state === 'failed') throw new ArgumentError(`writer for ${this.file.path} failed earlier and was aborted: ${String(this.failure)}`);
    if (this.state !== 'open') throw new ArgumentError(`writer for ${this.file.path} is already ${this.state}`);
  }

  /** Run `op` after earlier writes; any failure aborts the file and poisons the writer. */
  private enqueue(op: () => Promise<void>): Promise<void> {
    const run = this.tail.then(async () => {
      if (this.state === 'failed' || this.state === 'aborted') throw new ArgumentError(`writer for ${this.file.path} is ${this.state}`);
      try {
        await op();
      } catch (err) {
        this.state = 'failed';
        this.failure = err;
        await this.file.abort();
        throw err;
      }
    });
    this.tail = run.catch(() => undefined);
    return run;
  }
}
