// Batches many small strings into chunks of a bounded size, so a sink (often a stream) sees a few large writes
// rather than millions of tiny ones, and no formatter ever holds the whole report in memory.
import type { ReportSink } from './report.js';

const CHUNK_CHARS = 64 * 1024;

export class ChunkedWriter {
  private parts: string[] = [];
  private size = 0;

  constructor(private readonly sink: ReportSink) {}

  write(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= CHUNK_CHARS) this.flush();
  }

  flush(): void {
    if (this.size === 0) return;
    this.sink.write(this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
}
