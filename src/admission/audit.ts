// Background audit: objects already stored in the cluster, judged by the current policy set, summarised as compact
// PolicyReports — one per namespace, results capped, most important first. Objects a controller owns (the pods of
// a ReplicaSet, the ReplicaSets of a Deployment) are judged through their owner only, and "policy does not apply"
// results are left out: report bloat in etcd is a failure in itself.
import type { ObjectLookup } from '../kube/matching/object-index.js';
import type { KubeObject, SourceLocation } from '../kube/object.js';
import type { PolicyResult } from '../policy/result.js';
import { buildPolicyReports, type PolicyReportObject } from '../report/policy-report-builder.js';
import type { PolicySet } from './policy-set.js';

export const DEFAULT_MAX_RESULTS_PER_REPORT = 100;

/** Kinds whose objects are stamped out by a controller from a template that is judged on its owner. */
const CONTROLLED_KINDS = new Set(['Pod', 'ReplicaSet', 'Job']);

export function ownedByController(object: KubeObject): boolean {
  if (!CONTROLLED_KINDS.has(object.kind)) return false;
  const owners = object.metadata.ownerReferences;
  return Array.isArray(owners) && owners.some((o) => typeof o === 'object' && o !== null && (o as { controller?: unknown }).controller === true);
}

function notApplicable(result: PolicyResult): boolean {
  return result.result === 'skip' && result.rule === '*';
}

export interface AuditOptions {
  policies: PolicySet;
  lookup: ObjectLookup;
  maxResultsPerReport?: number;
  generatedAt?: Date;
}

export interface AuditOutcome {
  reports: PolicyReportObject[];
  /** Objects judged (controller-owned ones are not counted). */
  judged: number;
  results: PolicyResult[];
}

/**
 * Judges every object as a CREATE by nobody in particular, with the policies about objects: those about who makes a
 * request (Policy.background false) have nothing to judge at rest and are skipped (PolicySet.requestOnly).
 */
export async function auditObjects(objects: Iterable<{ object: KubeObject; source?: SourceLocation }>, options: AuditOptions): Promise<AuditOutcome> {
  const results: PolicyResult[] = [];
  let judged = 0;
  for (const { object, source } of objects) {
    if (ownedByController(object)) continue;
    judged++;
    const namespace = object.metadata.namespace;
    const namespaceObject = namespace ? (options.lookup.namespace(namespace) ?? null) : null;
    const evaluated = await options.policies.background.evaluate({ object, operation: 'CREATE', namespaceObject, ...(source ? { source } : {}) });
    for (const result of evaluated) if (!notApplicable(result)) results.push(result);
  }
  const reports = buildPolicyReports(results, {
    maxResultsPerReport: options.maxResultsPerReport ?? DEFAULT_MAX_RESULTS_PER_REPORT,
    ...(options.generatedAt ? { generatedAt: options.generatedAt } : {}),
  });
  return { reports, judged, results };
}
