// `--format json`: the ScanResult contract others script against (documented field by field in docs/output-formats.md).
// Every contract key is always present so scripts need no existence checks; one result per line keeps it diffable.
import type { PolicyResult } from '../policy/result.js';
import { summarize } from '../policy/result.js';
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

export const formatJson: Formatter = (input, sink) => {
  const out = new ChunkedWriter(sink);
  const header = { apiVersion: SCAN_RESULT_API_VERSION, kind: SCAN_RESULT_KIND, summary: summarize(input.results) };
  out.write(`${JSON.stringify(header).slice(0, -1)},"results":[`);
  let first = true;
  for (const result of input.results) {
    out.write(`${first ? '' : ','}\n${JSON.stringify(toJsonResult(result))}`);
    first = false;
  }
  out.write(first ? ']}\n' : '\n]}\n');
  out.flush();
};
