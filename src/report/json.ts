// `--format json`: the ScanResult contract others script against (documented field by field in docs/output-formats.md).
// Every contract key is always present so scripts need no existence checks; one result per line keeps it diffable.
// Results are written as they arrive and `summary` follows them, so only the counts are held.
import type { PolicyResult } from '../policy/result.js';
import { emptySummary } from '../policy/result.js';
import { ChunkedWriter } from './chunked-writer.js';
import type { Formatter } from './report.js';

export const SCAN_RESULT_API_VERSION = 'gatehouse.dev/v1alpha1';
export const SCAN_RESULT_KIND = 'ScanResult';

export interface JsonResult {
  policy: string;
  rule: string;
  result: PolicyResult['result'];
  severity: PolicyResult['severity'];
  message: string;
  /** Null for input errors: the document never became a Kubernetes object. `namespace` is "" when not set. */
  resource: { apiVersion: string; kind: string; namespace: string; name: string } | null;
  source: { file: string; line: number; template?: string } | null;
  category?: string;
  remediation?: string;
  justification?: string;
  properties?: Record<string, unknown>;
}

export function toJsonResult(r: PolicyResult): JsonResult {
  const out: JsonResult = {
    policy: r.policy,
    rule: r.rule,
    result: r.result,
    severity: r.severity,
    message: r.message,
    resource: r.resource
      ? { apiVersion: r.resource.apiVersion, kind: r.resource.kind, namespace: r.resource.namespace ?? '', name: r.resource.name }
      : null,
    source: r.source
      ? { file: r.source.file, line: r.source.line, ...(r.source.template !== undefined ? { template: r.source.template } : {}) }
      : null,
  };
  if (r.category !== undefined) out.category = r.category;
  if (r.remediation !== undefined) out.remediation = r.remediation;
  if (r.justification !== undefined) out.justification = r.justification;
  if (r.properties !== undefined) out.properties = r.properties;
  return out;
}

export const formatJson: Formatter = (_header, sink) => {
  const out = new ChunkedWriter(sink);
  const summary = emptySummary();
  out.write(`${JSON.stringify({ apiVersion: SCAN_RESULT_API_VERSION, kind: SCAN_RESULT_KIND }).slice(0, -1)},"results":[`);
  let first = true;
  return {
    add(results) {
      for (const result of results) {
        summary[result.result]++;
        out.write(`${first ? '' : ','}\n${JSON.stringify(toJsonResult(result))}`);
        first = false;
      }
    },
    end() {
      out.write(`${first ? '' : '\n'}],"summary":${JSON.stringify(summary)}}\n`);
      out.flush();
    },
    abort() {},
  };
};
