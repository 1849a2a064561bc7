// `gatehouse test [DIR…]`: runs every Kyverno test manifest (`kyverno-test.yaml`, also in `.kyverno-test/`) found
// under the given folders and compares the expected results with what Gatehouse computes. Exit 0 when every
// expectation matched, 1 on a mismatch or an expectation Gatehouse cannot check (unsupported is not a pass),
// 2 on input errors (a test, policy or resource file that cannot be read or compiled).
import { Option, type Command } from 'commander';
import { displayPath } from '../kube/manifest-files.js';
import { findTestFiles } from '../policy/kyverno/test/find-tests.js';
import { runTestFile, type TestFileReport, type TestResultRow } from '../policy/kyverno/test/run-test.js';
import { printable } from '../report/terminal.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError } from './errors.js';
import { openOutput } from './output.js';

const FORMATS = ['text', 'json'] as const;
type TestFormat = (typeof FORMATS)[number];

interface TestFlags {
  format: TestFormat;
  output?: string;
}

export interface TestSummary {
  tests: number;
  results: number;
  matched: number;
  mismatched: number;
  unsupported: number;
}

export function summarizeTests(reports: readonly TestFileReport[]): TestSummary {
  const summary: TestSummary = { tests: reports.length, results: 0, matched: 0, mismatched: 0, unsupported: 0 };
  for (const row of reports.flatMap((r) => r.results)) {
    summary.results++;
    if (row.ok) summary.matched++;
    else if (row.actual === 'unsupported') summary.unsupported++;
    else summary.mismatched++;
  }
  return summary;
}

export function formatTestJson(reports: readonly TestFileReport[]): string {
  return `${JSON.stringify({
    summary: summarizeTests(reports),
    tests: reports.map((r) => ({
      file: r.file,
      results: r.results.map(({ policy, rule, kind, resource, expected, actual, ok }) => ({ policy, rule, kind, resource, expected, actual, ok })),
    })),
  })}\n`;
}

export function formatTestText(reports: readonly TestFileReport[]): string {
  const lines: string[] = [];
  const describe = (row: TestResultRow) =>
    `${printable(row.policy)}${row.rule ? `/${printable(row.rule)}` : ''} ${printable(row.kind)}/${printable(row.resource)}: expected ${row.expected}, got ${row.actual}: ${printable(row.message.split('\n')[0]!)}`;
  for (const report of reports) {
    const failed = report.results.filter((r) => !r.ok);
    const matched = report.results.length - failed.length;
    lines.push(`${failed.length === 0 ? 'PASS' : 'FAIL'} ${printable(report.file)} (${matched}/${report.results.length} matched)`);
    for (const row of failed) lines.push(`  ${row.actual === 'unsupported' ? 'unsupported' : 'mismatch'}: ${describe(row)}`);
  }
  const s = summarizeTests(reports);
  lines.push(`${s.tests} tests, ${s.results} results: ${s.matched} matched, ${s.mismatched} mismatched, ${s.unsupported} unsupported`);
  return `${lines.join('\n')}\n`;
}

export async function runTests(paths: readonly string[]): Promise<{ reports: TestFileReport[]; errors: string[] }> {
  const { files, errors } = await findTestFiles(paths);
  if (files.length === 0 && errors.length === 0) throw new UsageError(`no kyverno-test.yaml found under ${paths.join(', ')}`);
  const reports: TestFileReport[] = [];
  for (const file of files) {
    const report = await runTestFile(file, displayPath(file));
    reports.push(report);
    errors.push(...report.errors);
  }
  return { reports, errors };
}

export function registerTest(program: Command): void {
  program
    .command('test')
    .description('Run Kyverno policy tests (kyverno-test.yaml) found under the given folders')
    .argument('[dirs...]', 'folders (or kyverno-test.yaml files) to search', ['.'])
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('text'))
    .option('--output <file>', 'write the report to a file instead of stdout')
    .action(async (dirs: string[], flags: TestFlags) => {
      const { reports, errors } = await runTests(dirs);
      const output = openOutput(flags.output);
      try {
        output.sink.write(flags.format === 'json' ? formatTestJson(reports) : formatTestText(reports));
        output.commit();
      } catch (error) {
        output.abort();
        throw error;
      }
      for (const error of errors) process.stderr.write(`gatehouse: ${printable(error.split('\n')[0]!)}\n`);
      const summary = summarizeTests(reports);
      process.exitCode = errors.length > 0 ? EXIT_USAGE : summary.mismatched + summary.unsupported > 0 ? EXIT_FINDINGS : EXIT_OK;
    });
}
