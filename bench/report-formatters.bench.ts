// Formatter throughput on a synthetic scan: 30 results per resource (a restricted PSS run plus built-in rules),
// ~10% failing. Baseline, measured in the same run: JSON.stringify of every result, the least any format can cost.
// Usage: node --import tsx bench/report-formatters.bench.ts [resources=10000] [rounds=3]   (FORMATS=json,sarif for some)
import type { RuleInfo } from '../src/policy/policy.js';
import type { PolicyResult } from '../src/policy/result.js';
import { FORMAT_NAMES, FORMATTERS, isFormatName } from '../src/report/formatters.js';
import { writeReport, type ReportInput } from '../src/report/report.js';
import { compareToBaseline, fmt } from './support/stats.js';

const resources = Number(process.argv[2] ?? 10_000);
const rounds = Number(process.argv[3] ?? 3);
const RULES_PER_RESOURCE = 30;

function corpus(): ReportInput {
  const rules: { policy: string; rule: RuleInfo }[] = Array.from({ length: RULES_PER_RESOURCE }, (_, j) => ({
    policy: j < 20 ? 'pod-security-restricted' : 'gatehouse-workload',
    rule: { id: `rule-${j}`, severity: (['low', 'medium', 'high', 'critical'] as const)[j % 4], description: `Rule ${j} keeps workloads safe.`,
      remediation: `Set field ${j} to a safe value.`, category: j < 20 ? 'Pod Security Standards' : 'Workload' },
  }));
  const results: PolicyResult[] = [];
  for (let i = 0; i < resources; i++) {
    const resource = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: `team-${i % 40}`, name: `service-${i}` };
    const source = { file: `deploy/team-${i % 40}/service-${i}.yaml`, line: 1 + (i % 5) * 60 };
    for (const { policy, rule } of rules) {
      const failing = (i + rule.id.length * 7 + results.length) % 10 === 0;
      results.push({ policy, rule: rule.id, result: failing ? 'fail' : 'pass', severity: rule.severity, resource, source,
        message: failing ? `container "app" must set securityContext.${rule.id}` : 'ok',
        ...(failing ? { remediation: rule.remediation, category: rule.category } : {}) });
    }
  }
  return { results, rules, tool: { name: 'gatehouse', version: 'bench' }, inputs: ['deploy'], generatedAt: new Date(0), baseDir: '/repo' };
}

const input = corpus();
const corpusRssMB = Math.round(process.memoryUsage().rss / 1e6);
let bytes = 0;
const sink = { write: (chunk: string) => { bytes += chunk.length; } };
const baseline = (): void => { for (const r of input.results) sink.write(JSON.stringify(r)); };

const formats = process.env.FORMATS ? process.env.FORMATS.split(',').filter(isFormatName) : FORMAT_NAMES;
const rows: Record<string, string | number>[] = [];
for (const name of formats) {
  bytes = 0;
  writeReport(FORMATTERS[name], input, sink);
  const outputMB = bytes / 1e6;
  const { subjectMs, baselineMs, ratio } = await compareToBaseline(() => writeReport(FORMATTERS[name], input, sink), baseline, rounds);
  rows.push({ format: name, results: input.results.length, 'median ms': fmt(subjectMs, 0), 'baseline ms': fmt(baselineMs, 0),
    ratio: fmt(ratio), 'µs/result': fmt((subjectMs * 1000) / input.results.length), 'output MB': fmt(outputMB, 1) });
}
console.table(rows);
// Peak RSS includes the result corpus itself (held by any scan); the difference is what formatting added.
console.log(JSON.stringify({ resources, results: input.results.length, corpusRssMB, peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024), rows }));
