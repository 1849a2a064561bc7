// What every formatter receives and how it writes: the results of one run plus the metadata of the rules that ran.
import type { RuleInfo } from '../policy/policy.js';
import type { PolicyResult } from '../policy/result.js';

export interface ReportInput {
  results: readonly PolicyResult[];
  /** Metadata of every rule that ran (`PolicyEngine.rules()`), for formats that describe rules (SARIF, JUnit). */
  rules: readonly { policy: string; rule: RuleInfo }[];
  tool: { name: string; version: string };
  /** The paths that were scanned, shown in headers. */
  inputs?: readonly string[];
  /** When the results were produced; defaults to now. Fixed in tests so output is reproducible. */
  generatedAt?: Date;
  /** Directory that relative artifact paths (SARIF) are computed from; defaults to the working directory. */
  baseDir?: string;
}

export interface ReportSink {
  write(chunk: string): void;
}

export interface FormatOptions {
  /** ANSI colour; the CLI sets it only on a TTY and never when NO_COLOR is set. Formats without colour ignore it. */
  color: boolean;
}

/** Formats write in chunks: a scan of 50k resources yields ~1.5M results, too many to build one string from. */
export type Formatter = (input: ReportInput, sink: ReportSink, options: FormatOptions) => void;
