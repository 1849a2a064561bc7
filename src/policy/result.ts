// The one result model that every engine produces and every formatter consumes.
import type { ResourceRef, SourceLocation } from '../kube/object.js';

export type ResultStatus = 'pass' | 'fail' | 'warn' | 'skip' | 'error';
export const RESULT_STATUSES: readonly ResultStatus[] = ['pass', 'fail', 'warn', 'skip', 'error'];

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';
export const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

export interface PolicyResult {
  policy: string;
  rule: string;
  result: ResultStatus;
  severity: Severity;
  message: string;
  /** Absent for input errors that never became an object. */
  resource?: ResourceRef;
  source?: SourceLocation;
  /** Why the rule exists and how to fix it; shared with the rule's metadata. */
  category?: string;
  remediation?: string;
  /** For `skip` results of an exempted rule: the object's `gatehouse.dev/justification`. */
  justification?: string;
  /** Engine-specific details (e.g. the field path that failed); kept small. */
  properties?: Record<string, unknown>;
}

export type ResultSummary = Record<ResultStatus, number>;

export function emptySummary(): ResultSummary {
  return { pass: 0, fail: 0, warn: 0, skip: 0, error: 0 };
}

export function summarize(results: Iterable<PolicyResult>): ResultSummary {
  const summary = emptySummary();
  for (const r of results) summary[r.result]++;
  return summary;
}
