// Policies given to `gatehouse scan --policy`: compiled once before the scan, with what they may look up offline.
// Params and objects named by Kyverno's `resource.Get` come from the policy files; Namespaces (for
// namespaceSelector and namespaceObject) from the scanned inputs too, collected by a first pass that keeps only
// them, so the scan itself still streams.
import { readManifests } from '../kube/manifest-files.js';
import { ObjectIndex } from '../kube/matching/object-index.js';
import type { Policy } from '../policy/policy.js';
import type { PolicyResult } from '../policy/result.js';
import { CLUSTER_POLICY_KINDS } from '../policy/kyverno/cluster-policy.js';
import { formatLoadError, loadPolicies } from '../policy/loader/load-policies.js';

export const UNSUPPORTED_RULE = 'unsupported';

export interface ScanPolicies {
  /** Problems that stop the scan: one line each, `file:line: Kind/name: field.path: detail`. */
  errors: string[];
  policies: Policy[];
  /** One error result per policy Gatehouse cannot evaluate, so it never passes silently. */
  unsupported: PolicyResult[];
  /**
   * Policies about who makes a request (Policy.background false): manifests at rest have no requester, so the scan
   * leaves them out and says so, as `gatehouse audit` does.
   */
  requestOnly: string[];
}

export async function loadScanPolicies(policyPaths: readonly string[], inputPaths: readonly string[]): Promise<ScanPolicies> {
  const lookup = new ObjectIndex();
  if (!inputPaths.includes('-')) {
    for await (const entry of readManifests(inputPaths)) if (entry.type === 'object' && entry.object.kind === 'Namespace') lookup.add(entry.object);
  }
  const loaded = await loadPolicies(policyPaths, { lookup });
  for (const { object } of loaded.objects) lookup.add(object);
  // Unsupported rules inside a Kyverno ClusterPolicy/Policy already yield an error for each object they match.
  const unsupported = loaded.unsupported
    .filter((u) => !(CLUSTER_POLICY_KINDS as readonly string[]).includes(u.kind))
    .map((u): PolicyResult => ({
      policy: `${u.kind}/${u.name}`, rule: UNSUPPORTED_RULE, result: 'error', severity: 'high',
      message: `${u.kind} "${u.name}" is not evaluated by Gatehouse: ${u.reason}`, source: u.source,
    }));
  return {
    errors: loaded.errors.map(formatLoadError),
    policies: loaded.policies.filter((policy) => policy.background !== false),
    unsupported,
    requestOnly: loaded.policies.filter((policy) => policy.background === false).map((policy) => policy.name),
  };
}
