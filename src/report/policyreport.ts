// `--format policyreport`: the reports of policy-report-builder.ts as a multi-document YAML stream that
// `kubectl apply -f -` (or `kubectl create`) accepts, each result written as it is converted.
import { ChunkedWriter } from './chunked-writer.js';
import { planPolicyReports, policyReportResult, reportTimestamp } from './policy-report-builder.js';
import type { Formatter } from './report.js';
import { yamlBlock, yamlSequenceItem } from './yaml-emit.js';

export const formatPolicyReport: Formatter = (input, sink) => {
  const out = new ChunkedWriter(sink);
  const timestamp = reportTimestamp(input.generatedAt ?? new Date());
  for (const plan of planPolicyReports(input.results)) {
    out.write(`---\n${yamlBlock(plan.header)}`);
    if (plan.indices.length === 0) {
      out.write('results: []\n');
      continue;
    }
    out.write('results:\n');
    for (const i of plan.indices) out.write(yamlSequenceItem(policyReportResult(input.results[i]!, timestamp)));
  }
  out.flush();
};
