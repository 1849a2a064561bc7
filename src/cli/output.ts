// Where a command's report goes. `--output FILE` is written to a temporary file beside it and renamed into place
// only when the report is complete, so a failed run never leaves a half-written report. Writes are synchronous
// so a formatter's chunks go straight out instead of piling up in memory.
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ReportSink } from '../report/report.js';

export interface Output {
  sink: ReportSink;
  /** Finishes the report: renames the file into place (or nothing for stdout). */
  commit(): void;
  /** Drops a partial report. */
  abort(): void;
  /** True when writing to an interactive terminal (colour is allowed). */
  isTerminal: boolean;
}

function writeAll(fd: number, chunk: string): void {
  let buffer = Buffer.from(chunk, 'utf8');
  while (buffer.length > 0) {
    try {
      const written = writeSync(fd, buffer);
      buffer = buffer.subarray(written);
    } catch (err) {
      // stdout may be a non-blocking pipe: wait for the reader instead of failing or buffering without bound.
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}

export function openOutput(file: string | undefined): Output {
  if (file === undefined || file === '-') {
    return { sink: { write: (chunk) => writeAll(1, chunk) }, commit: () => {}, abort: () => {}, isTerminal: process.stdout.isTTY === true };
  }
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  const fd = openSync(temp, 'w', 0o644);
  let open = true;
  const close = () => {
    if (open) closeSync(fd);
    open = false;
  };
  return {
    sink: { write: (chunk) => writeAll(fd, chunk) },
    commit: () => {
      close();
      renameSync(temp, file);
    },
    abort: () => {
      close();
      rmSync(temp, { force: true });
    },
    isTerminal: false,
  };
}

/** Colour only on a terminal, never with NO_COLOR set (https://no-color.org) or `--no-color`. */
export function useColor(output: Output, requested: boolean): boolean {
  return requested && output.isTerminal && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
}
