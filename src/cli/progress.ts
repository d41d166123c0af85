/**
 * Progress for long jobs: a redrawn bar on a terminal, plain lines when the
 * output is piped (so logs stay readable).
 */
import type { Writable } from 'node:stream';

export class Progress {
  private readonly out: Writable & { isTTY?: boolean; columns?: number };
  private readonly label: string;
  private lastLine = 0;

  constructor(label: string, out: Writable & { isTTY?: boolean; columns?: number } = process.stderr) {
    this.out = out;
    this.label = label;
  }

  update(done: number, total: number, detail: string): void {
    if (this.out.isTTY) {
      const width = 24;
      const filled = total === 0 ? width : Math.round((done / total) * width);
      const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
      const line = `${this.label} [${bar}] ${done}/${total} ${detail}`;
      const cols = this.out.columns ?? 100;
      const shown = line.length > cols - 1 ? line.slice(0, cols - 2) + '…' : line;
      this.out.write(`\r${shown.padEnd(this.lastLine)}`);
      this.lastLine = shown.length;
    } else {
      this.out.write(`${this.label} ${done}/${total} ${detail}\n`);
    }
  }

  done(): void {
    if (this.out.isTTY && this.lastLine > 0) this.out.write('\n');
    this.lastLine = 0;
  }
}
