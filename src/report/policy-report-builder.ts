// Policy Reports API (`wgpolicyk8s.io/v1alpha2`): one PolicyReport per namespace and one ClusterPolicyReport for
// cluster-scoped resources and input errors. Shared by `--format policyreport` (which streams) and the admission
// background audit (which writes the objects to the cluster and caps results per report to keep etcd small).
import type { PolicyResult, ResultStatus, ResultSummary } from '../policy/result.js';
import { emptySummary } from '../policy/result.js';
import { isClusterScopedKind } from './cluster-scoped.js';
import { groupIndices } from './group.js';
import { byImportance } from './importance.js';

export const POLICY_REPORT_API_VERSION = 'wgpolicyk8s.io/v1alpha2';
export const REPORT_SOURCE = 'gatehouse';
export const REPORT_NAME_PREFIX = 'gatehouse';
export const CLUSTER_REPORT_NAME = `${REPORT_NAME_PREFIX}-cluster`;
/** For namespaced objects whose manifest names no namespace: applied, both land in the current namespace. */
export const UNNAMESPACED_REPORT_NAME = `${REPORT_NAME_PREFIX}-unnamespaced`;
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
/** JSON counts of the results a capped report leaves out, e.g. `{"pass":1200,"skip":40,…}`. */
export const OMITTED_RESULTS_ANNOTATION = 'gatehouse.dev/omitted-results';

export interface PolicyReportOptions {
  generatedAt?: Date;
  /** Keep at most this many results per report, most important first (error, fail by severity, warn, skip, pass). */
  maxResultsPerReport?: number;
}

export interface ReportObjectReference {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface PolicyReportResultEntry {
  policy: string;
  rule: string;
  result: ResultStatus;
  severity: PolicyResult['severity'];
  message: string;
  resources?: ReportObjectReference[];
  source: string;
  timestamp: { seconds: number; nanos: number };
  scored: boolean;
  category?: string;
  /** The API allows only string values. */
  properties?: Record<string, string>;
}

export interface PolicyReportHeader {
  apiVersion: typeof POLICY_REPORT_API_VERSION;
  kind: 'PolicyReport' | 'ClusterPolicyReport';
  metadata: { name: string; namespace?: string; labels: Record<string, string>; annotations?: Record<string, string> };
  /** Counts every result, including any a cap left out. */
  summary: ResultSummary;
}

export interface PolicyReportObject extends PolicyReportHeader {
  results: PolicyReportResultEntry[];
}

/** A report before its results are materialised: which results (by index, in order) it lists. */
export interface PolicyReportPlan {
  header: PolicyReportHeader;
  indices: number[];
}

/** The namespace whose report holds a result: null for the cluster report, '' for namespaced objects without one. */
export function reportNamespaceOf(r: PolicyResult): string | null {
  if (!r.resource || isClusterScopedKind(r.resource.kind)) return null;
  return r.resource.namespace ?? '';
}

/** Which report a result belongs to, as a key. */
export function reportScopeKey(namespace: string | null): string {
  return namespace === null ? 'cluster' : `namespace:${namespace}`;
}

export function reportHeader(namespace: string | null, summary: ResultSummary, omitted?: ResultSummary): PolicyReportHeader {
  const name = namespace === null ? CLUSTER_REPORT_NAME : namespace === '' ? UNNAMESPACED_REPORT_NAME : `${REPORT_NAME_PREFIX}-${namespace}`;
  const metadata: PolicyReportHeader['metadata'] = { name, ...(namespace ? { namespace } : {}), labels: { [MANAGED_BY_LABEL]: REPORT_SOURCE } };
  if (omitted) metadata.annotations = { [OMITTED_RESULTS_ANNOTATION]: JSON.stringify(omitted) };
  return { apiVersion: POLICY_REPORT_API_VERSION, kind: namespace === null ? 'ClusterPolicyReport' : 'PolicyReport', metadata, summary };
}

export function planPolicyReports(results: readonly PolicyResult[], options: PolicyReportOptions = {}): PolicyReportPlan[] {
  const cap = options.maxResultsPerReport;
  if (cap !== undefined && (!Number.isInteger(cap) || cap < 0)) throw new RangeError(`maxResultsPerReport must be a non-negative integer, got ${cap}`);
  const plans: PolicyReportPlan[] = [];
  for (const all of groupIndices(results, (r) => reportScopeKey(reportNamespaceOf(r))).values()) {
    const namespace = reportNamespaceOf(results[all[0]!]!);
    const summary = emptySummary();
    for (const i of all) summary[results[i]!.result]++;
    let indices = all;
    let omitted: ResultSummary | undefined;
    if (cap !== undefined && all.length > cap) {
      const ranked = [...all].sort((a, b) => byImportance(results[a]!, results[b]!) || a - b);
      indices = ranked.slice(0, cap).sort((a, b) => a - b);
      omitted = emptySummary();
      for (const i of ranked.slice(cap)) omitted[results[i]!.result]++;
    }
    plans.push({ header: reportHeader(namespace, summary, omitted), indices });
  }
  return plans.sort((a, b) => byReportOrder(a.header, b.header));
}

/** Deterministic order: cluster report first, then namespaces alphabetically. */
export function byReportOrder(a: PolicyReportHeader, b: PolicyReportHeader): number {
  return (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') || a.kind.localeCompare(b.kind);
}

export function reportTimestamp(at: Date): { seconds: number; nanos: number } {
  const ms = at.getTime();
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: (ms - seconds * 1000) * 1_000_000 };
}

function stringProperties(r: PolicyResult): Record<string, string> | undefined {
  const props: Record<string, string> = {};
  if (r.source) {
    props.file = r.source.file;
    props.line = String(r.source.line);
    if (r.source.template !== undefined) props.template = r.source.template;
  }
  if (r.justification !== undefined) props.justification = r.justification;
  if (r.remediation !== undefined) props.remediation = r.remediation;
  for (const [key, value] of Object.entries(r.properties ?? {})) {
    if (key in props) continue;
    props[key] = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  }
  return Object.keys(props).length > 0 ? props : undefined;
}

export function policyReportResult(r: PolicyResult, timestamp: { seconds: number; nanos: number }): PolicyReportResultEntry {
  const entry: PolicyReportResultEntry = {
    policy: r.policy,
    rule: r.rule,
    result: r.result,
    severity: r.severity,
    message: r.message,
    source: REPORT_SOURCE,
    timestamp,
    // The API's meaning of `warn`: requirements not met, and the result is not scored.
    scored: r.result !== 'warn',
  };
  if (r.resource) {
    const ref: ReportObjectReference = { apiVersion: r.resource.apiVersion, kind: r.resource.kind, name: r.resource.name };
    if (r.resource.namespace) ref.namespace = r.resource.namespace;
    entry.resources = [ref];
  }
  if (r.category !== undefined) entry.category = r.category;
  const properties = stringProperties(r);
  if (properties) entry.properties = properties;
  return entry;
}

/** The report objects themselves, ready to apply (the background audit writes these with a cap). */
export function buildPolicyReports(results: readonly PolicyResult[], options: PolicyReportOptions = {}): PolicyReportObject[] {
  const timestamp = reportTimestamp(options.generatedAt ?? new Date());
  return planPolicyReports(results, options).map((plan) => ({
    ...plan.header,
    results: plan.indices.map((i) => policyReportResult(results[i]!, timestamp)),
  }));
}
