// Pod Security Standards conformance: every fixture pod must get Pod Security Admission's verdict.
// Usage: node --import tsx scripts/conformance-pss.ts [fixtures-dir]   (default ../shared/conformance/pss)
import { existsSync } from 'node:fs';
import { runPssConformance } from '../src/policy/pss/conformance.js';

const dir = process.argv[2] ?? '../shared/conformance/pss';
if (!existsSync(dir)) {
  console.error(`conformance-pss: fixtures folder ${dir} not found; pass its path as the first argument`);
  process.exit(2);
}
const report = runPssConformance(dir);
for (const m of report.mismatches) console.log(`MISMATCH ${m.file}: expected ${m.expected}, got ${m.actual}`);
const percent = report.total === 0 ? 0 : (100 * report.matched) / report.total;
console.log(`Pod Security Standards conformance: ${report.matched}/${report.total} fixtures match (${percent.toFixed(2)}%); ` +
  `baseline ${report.byLevel.baseline}, restricted ${report.byLevel.restricted}, mismatches ${report.mismatches.length}`);
process.exit(report.total > 0 && report.matched === report.total ? 0 : 1);
