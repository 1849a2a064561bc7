// Runs a formatter into memory, recording the chunks so tests can check that output arrives in pieces.
import type { FormatOptions, Formatter, ReportInput } from '../../../src/report/report.js';
import { writeReport } from '../../../src/report/report.js';

export function render(formatter: Formatter, input: ReportInput, options: FormatOptions = { color: false }): { text: string; chunks: string[] } {
  const chunks: string[] = [];
  writeReport(formatter, input, { write: (chunk) => { chunks.push(chunk); } }, options);
  return { text: chunks.join(''), chunks };
}
