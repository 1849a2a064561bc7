// Text that a grouping format must hold until the run ends (JUnit suites per policy, a PolicyReport per namespace,
// sections written after the results). It stays in memory up to a budget; beyond that, pending text is appended to
// one temporary file, removed from the directory as soon as it is opened so that nothing is left behind however
// the process ends. Memory therefore stays bounded whatever the size of the run; disk use is the held text's size.
// Text is held as UTF-8 bytes, a copy: a string built from scanned values can keep whole manifest files alive
// through the substrings it refers to, which a budget counted in characters would not see.
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { SpoolOptions } from './report.js';

export const DEFAULT_SPOOL_BUDGET_BYTES = 8 * 1024 * 1024;
const READ_BYTES = 64 * 1024;

interface Segment {
  parts: Buffer[];
  /** Blocks already on disk, as flat pairs: position, length, position, length… */
  blocks: number[];
}

interface SpoolFile {
  fd: number;
  /** Set only where the file could not be unlinked while open; removed on close. */
  path?: string;
  size: number;
}

function openSpoolFile(dir: string): SpoolFile {
  const path = join(dir, `.gatehouse-spool-${process.pid}-${randomBytes(6).toString('hex')}`);
  const fd = openSync(path, 'wx+', 0o600);
  try {
    unlinkSync(path);
    return { fd, size: 0 };
  } catch {
    return { fd, path, size: 0 };
  }
}

function writeAt(fd: number, bytes: Buffer, position: number): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, position + done);
}

export class Spool {
  private readonly segments = new Map<string, Segment>();
  private readonly budget: number;
  private pendingBytes = 0;
  private file: SpoolFile | undefined;

  constructor(private readonly options: SpoolOptions = {}) {
    this.budget = options.budgetBytes ?? DEFAULT_SPOOL_BUDGET_BYTES;
  }

  append(group: string, text: string): void {
    let segment = this.segments.get(group);
    if (!segment) {
      segment = { parts: [], blocks: [] };
      this.segments.set(group, segment);
    }
    const bytes = Buffer.from(text, 'utf8');
    segment.parts.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes > this.budget) this.spill();
  }

  /** Writes everything appended to `group`, in order, then forgets the group. */
  drain(group: string, write: (chunk: string) => void): void {
    const segment = this.segments.get(group);
    if (!segment) return;
    if (segment.blocks.length > 0) this.readBlocks(segment.blocks, write);
    for (const part of segment.parts) {
      write(part.toString('utf8'));
      this.pendingBytes -= part.length;
    }
    this.segments.delete(group);
  }

  /** Releases memory and the temporary file. Safe to call more than once. */
  close(): void {
    this.segments.clear();
    this.pendingBytes = 0;
    if (!this.file) return;
    closeSync(this.file.fd);
    if (this.file.path !== undefined) rmSync(this.file.path, { force: true });
    this.file = undefined;
  }

  private spill(): void {
    const file = (this.file ??= openSpoolFile(this.options.dir ?? tmpdir()));
    for (const segment of this.segments.values()) {
      if (segment.parts.length === 0) continue;
      const bytes = Buffer.concat(segment.parts);
      writeAt(file.fd, bytes, file.size);
      segment.blocks.push(file.size, bytes.length);
      file.size += bytes.length;
      segment.parts = [];
    }
    this.pendingBytes = 0;
  }

  private readBlocks(blocks: readonly number[], write: (chunk: string) => void): void {
    const { fd } = this.file!;
    const buffer = Buffer.allocUnsafe(READ_BYTES);
    // Reads may split a multi-byte character; the decoder carries it over to the next read.
    const decoder = new StringDecoder('utf8');
    for (let b = 0; b < blocks.length; b += 2) {
      let position = blocks[b]!;
      const end = position + blocks[b + 1]!;
      while (position < end) {
        const n = readSync(fd, buffer, 0, Math.min(READ_BYTES, end - position), position);
        if (n === 0) throw new Error('temporary report file ended early');
        const text = decoder.write(buffer.subarray(0, n));
        if (text) write(text);
        position += n;
      }
    }
    const rest = decoder.end();
    if (rest) write(rest);
  }
}
