// `--format policyreport`: the reports of policy-report-builder.ts as a multi-document YAML stream that
// `kubectl apply -f -` (or `kubectl create`) accepts. A namespace's results arrive spread over the whole run and
// its report opens with their summary, so each result is converted as it arrives and held, as YAML text (spilling
// to disk), under its report until the run ends.
import type { ResultSummary } from '../policy/result.js';
import { emptySummary } from '../policy/result.js';
import { ChunkedWriter } from './chunked-writer.js';
import {
  byReportOrder, policyReportResult, reportHeader, reportNamespaceOf, reportScopeKey, reportTimestamp,
} from './policy-report-builder.js';
import type { Formatter } from './report.js';
import { Spool } from './spool.js';
import { yamlBlock, yamlSequenceItem } from './yaml-emit.js';

interface ReportScope {
  namespace: string | null;
  summary: ResultSummary;
}

export const formatPolicyReport: Formatter = (header, sink, options) => {
  const out = new ChunkedWriter(sink);
  const timestamp = reportTimestamp(header.generatedAt ?? new Date());
  const entries = new Spool(options.spool);
  const scopes = new Map<string, ReportScope>();
  return {
    add(results) {
      for (const r of results) {
        const namespace = reportNamespaceOf(r);
        const key = reportScopeKey(namespace);
        let scope = scopes.get(key);
        if (!scope) scopes.set(key, (scope = { namespace, summary: emptySummary() }));
        scope.summary[r.result]++;
        entries.append(key, yamlSequenceItem(policyReportResult(r, timestamp)));
      }
    },
    end() {
      try {
        const reports = [...scopes].map(([key, scope]) => ({ key, header: reportHeader(scope.namespace, scope.summary) }));
        for (const { key, header: report } of reports.sort((a, b) => byReportOrder(a.header, b.header))) {
          out.write(`---\n${yamlBlock(report)}results:\n`);
          entries.drain(key, (chunk) => out.write(chunk));
        }
        out.flush();
      } finally {
        entries.close();
      }
    },
    abort() {
      entries.close();
    },
  };
};
