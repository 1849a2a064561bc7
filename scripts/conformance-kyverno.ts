// Runs `gatehouse test` logic over the Kyverno policy library in ../shared/conformance/kyverno and reports, apart,
// the tests whose policies are CEL-based (validate.cel, ValidatingPolicy, ValidatingAdmissionPolicy) and the
// JMESPath-based ones (expected to be unsupported). Exits non-zero when the CEL match rate is below the threshold.
// Usage: node --import tsx scripts/conformance-kyverno.ts [--min-rate 0.95] [--json] [--list] [DIR]
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { findTestFiles } from '../src/policy/kyverno/test/find-tests.js';
import { runTestFile, type TestResultRow } from '../src/policy/kyverno/test/run-test.js';

type Family = 'cel' | 'jmespath';

function parseArgs(argv: string[]): { minRate: number; json: boolean; list: boolean; dir: string } {
  const args = { minRate: 0.95, json: false, list: false, dir: resolve(import.meta.dirname, '../../shared/conformance/kyverno') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--min-rate') args.minRate = Number(argv[++i]);
    else if (a === '--json') args.json = true;
    else if (a === '--list') args.list = true;
    else args.dir = resolve(a);
  }
  if (!(args.minRate >= 0 && args.minRate <= 1)) throw new Error('--min-rate must be between 0 and 1');
  return args;
}

/** CEL when any policy of the test is a CEL kind or has a validate.cel rule; JMESPath otherwise. */
function familyOf(testFile: string): Family {
  const test = parseAllDocuments(readFileSync(testFile, 'utf8'))[0]?.toJS() as { policies?: string[] } | undefined;
  for (const policy of test?.policies ?? []) {
    const path = resolve(dirname(testFile), policy);
    if (!existsSync(path)) continue;
    for (const doc of parseAllDocuments(readFileSync(path, 'utf8'))) {
      const o = doc.toJS() as { kind?: string; spec?: { rules?: { validate?: { cel?: unknown } }[] } } | null;
      if (!o) continue;
      if (o.kind === 'ValidatingPolicy' || o.kind === 'NamespacedValidatingPolicy' || o.kind === 'ValidatingAdmissionPolicy') return 'cel';
      if (o.spec?.rules?.some((r) => r.validate?.cel !== undefined)) return 'cel';
    }
  }
  return 'jmespath';
}

interface Tally {
  tests: number;
  results: number;
  matched: number;
  mismatched: number;
  unsupported: number;
  /** Expected results about resources whose files are absent from the data (not counted in the rate). */
  missingInput: number;
  inputErrors: number;
}

const args = parseArgs(process.argv.slice(2));
if (!existsSync(args.dir)) {
  console.error(`conformance data not found at ${args.dir}; skipping (it is provided beside the checkout in CI)`);
  process.exit(0);
}
const { files } = await findTestFiles([args.dir]);
const tallies: Record<Family, Tally> = {
  cel: { tests: 0, results: 0, matched: 0, mismatched: 0, unsupported: 0, missingInput: 0, inputErrors: 0 },
  jmespath: { tests: 0, results: 0, matched: 0, mismatched: 0, unsupported: 0, missingInput: 0, inputErrors: 0 },
};
const misses: { file: string; row: TestResultRow }[] = [];
const start = performance.now();
for (const file of files) {
  const family = familyOf(file);
  const shown = relative(args.dir, file);
  const report = await runTestFile(file, shown);
  const t = tallies[family];
  t.tests++;
  t.inputErrors += report.errors.length;
  const unreadable = report.errors.some((e) => e.includes('cannot read'));
  for (const row of report.results) {
    t.results++;
    if (row.ok) t.matched++;
    else if (row.actual === 'unsupported') t.unsupported++;
    else if (row.actual === 'not found' && unreadable) t.missingInput++;
    else t.mismatched++;
    if (family === 'cel' && !row.ok) misses.push({ file: shown, row });
  }
}
const seconds = (performance.now() - start) / 1000;
const runnable = tallies.cel.results - tallies.cel.missingInput;
const rate = runnable === 0 ? 1 : tallies.cel.matched / runnable;
if (args.json) {
  console.log(JSON.stringify({ cel: { ...tallies.cel, rate }, jmespath: tallies.jmespath, seconds, misses }, null, 2));
} else {
  console.log(`Kyverno policy library conformance (${files.length} test files, ${seconds.toFixed(1)} s)`);
  console.log('family     tests  results  matched  mismatched  unsupported  missing-input  input-errors');
  for (const family of ['cel', 'jmespath'] as const) {
    const t = tallies[family];
    console.log(`${family.padEnd(9)} ${String(t.tests).padStart(6)} ${String(t.results).padStart(8)} ${String(t.matched).padStart(8)} ${String(t.mismatched).padStart(11)} ${String(t.unsupported).padStart(12)} ${String(t.missingInput).padStart(14)} ${String(t.inputErrors).padStart(13)}`);
  }
  console.log(`CEL match rate: ${(rate * 100).toFixed(1)}% of ${runnable} runnable expected results (threshold ${(args.minRate * 100).toFixed(1)}%)`);
  if (args.list) for (const { file, row } of misses) console.log(`  ${file}: ${row.policy}${row.rule ? `/${row.rule}` : ''} ${row.kind}/${row.resource}: expected ${row.expected}, got ${row.actual}: ${row.message.split('\n')[0]}`);
}
process.exit(rate >= args.minRate ? 0 : 1);
