// How results reach a report: a formatter is opened with the run's header and returns a writer that receives the
// results one resource at a time, in scan order, so no format needs the whole run in memory.
import type { RuleInfo } from '../policy/policy.js';
import type { PolicyResult } from '../policy/result.js';
import { consecutiveGroups } from './group.js';

export interface ReportHeader {
  /** Metadata of every rule that can run (`PolicyEngine.rules()`), for formats that describe rules (SARIF). */
  rules: readonly { policy: string; rule: RuleInfo }[];
  tool: { name: string; version: string };
  /** The paths that were scanned, shown in headers. */
  inputs?: readonly string[];
  /** When the results were produced; defaults to now. Fixed in tests so output is reproducible. */
  generatedAt?: Date;
  /** Directory that relative artifact paths (SARIF) are computed from; defaults to the working directory. */
  baseDir?: string;
}

/** A whole run held in memory: tests, small runs, and callers that already have every result. */
export interface ReportInput extends ReportHeader {
  results: readonly PolicyResult[];
}

export interface ReportSink {
  write(chunk: string): void;
}

export interface SpoolOptions {
  /** Where a format that groups results keeps what outgrows memory; defaults to the system's temporary directory. */
  dir?: string;
  /** Bytes held in memory before spilling to disk. */
  budgetBytes?: number;
}

export interface FormatOptions {
  /** ANSI colour; the CLI sets it only on a TTY and never when NO_COLOR is set. Formats without colour ignore it. */
  color: boolean;
  spool?: SpoolOptions;
}

export interface ReportWriter {
  /** The results of one resource, or of unreadable input, in scan order. */
  add(results: readonly PolicyResult[]): void;
  /** Writes the rest of the report (summaries, grouped sections) and releases what the writer holds. */
  end(): void;
  /** Releases what the writer holds (temporary files) without finishing the report. */
  abort(): void;
}

/** Formats write in chunks as results arrive: a scan of 50k resources yields ~1.65M results. */
export type Formatter = (header: ReportHeader, sink: ReportSink, options: FormatOptions) => ReportWriter;

/** Feeds results already in memory through a formatter, one resource (run of consecutive results) at a time. */
export function writeReport(formatter: Formatter, input: ReportInput, sink: ReportSink, options: FormatOptions = { color: false }): void {
  const writer = formatter(input, sink, options);
  try {
    for (const group of consecutiveGroups(input.results)) writer.add(group);
    writer.end();
  } catch (err) {
    writer.abort();
    throw err;
  }
}
