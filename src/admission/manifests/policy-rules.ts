// Webhook rules for what the shipped policy files match beyond pods and their controllers, so that a policy about
// Services or RoleBindings is actually sent its requests. Taken from each policy's own match constraints:
// ValidatingAdmissionPolicy and Kyverno ValidatingPolicy `resourceRules`, Kyverno ClusterPolicy `kinds`.
//
// Some matches are never turned into webhook rules, because a fail-closed webhook on them could stall the cluster
// (or Gatehouse itself): every resource (`*`), leases, events and nodes — written constantly by the control plane
// and the kubelets. Those, and kinds Gatehouse does not know the resource of, come back as warnings naming the
// policy, for a person to decide.
import { parseManifestText } from '../../kube/manifests.js';
import type { KubeObject } from '../../kube/object.js';
import { parseApiVersion, resourcesOfKind } from '../../kube/matching/resources.js';

export interface WebhookRule {
  operations: string[];
  apiGroups: string[];
  apiVersions: string[];
  resources: string[];
  scope: string;
}

/** Resources a derived rule never names, by group: what the control plane and the kubelets write all the time. */
const NEVER: Readonly<Record<string, readonly string[]>> = {
  '': ['events', 'nodes', 'nodes/status'],
  'coordination.k8s.io': ['leases'],
  'events.k8s.io': ['events'],
};

function neverDerived(group: string, resource: string): boolean {
  if (resource === '*' || resource.startsWith('*/')) return true;
  if (group === '*') return Object.values(NEVER).some((resources) => resources.includes(resource));
  return NEVER[group]?.includes(resource) ?? false;
}

const DEFAULT_OPERATIONS = ['CREATE', 'UPDATE'];

/** `files`: policy file text by file name. `covered`: what the webhook already receives, as `OPERATION group/resource`. */
export function rulesForPolicies(files: Readonly<Record<string, string>>, covered: ReadonlySet<string>): { rules: WebhookRule[]; warnings: string[] } {
  const rules: WebhookRule[] = [];
  const warnings: string[] = [];
  const seen = new Set<string>();
  const add = (policy: string, rule: WebhookRule) => {
    const resources = rule.resources.filter((resource) => {
      for (const group of rule.apiGroups) {
        if (neverDerived(group, resource)) {
          warnings.push(`${policy}: matches ${group === '' ? 'core' : group}/${resource}; no webhook rule is generated for it (a fail-closed webhook there could stall the cluster) — add one by hand if you mean it`);
          return false;
        }
      }
      const operations = rule.operations.includes('*') ? ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'] : rule.operations;
      return !operations.every((op) => rule.apiGroups.every((group) => covered.has(`${op} ${group}/${resource}`)));
    });
    if (resources.length === 0) return;
    const derived = { ...rule, resources };
    const key = JSON.stringify(derived);
    if (!seen.has(key)) (seen.add(key), rules.push(derived));
  };
  for (const [file, text] of Object.entries(files)) {
    for (const entry of parseManifestText(text, file)) {
      if (entry.type !== 'object') continue;
      const policy = `${file}: ${entry.object.kind}/${entry.object.metadata?.name ?? ''}`;
      for (const rule of matchRulesOf(entry.object, (kind) => warnings.push(`${policy}: kind ${kind} is not a resource Gatehouse knows; add its webhook rule by hand`))) add(policy, rule);
    }
  }
  return { rules, warnings };
}

function matchRulesOf(object: KubeObject, unknownKind: (kind: string) => void): WebhookRule[] {
  const spec = record(object.spec);
  switch (object.kind) {
    case 'ValidatingAdmissionPolicy':
    case 'ValidatingPolicy':
    case 'NamespacedValidatingPolicy':
      return list(record(spec.matchConstraints).resourceRules).map((r) => {
        const rule = record(r);
        return {
          operations: strings(rule.operations, DEFAULT_OPERATIONS),
          apiGroups: strings(rule.apiGroups, ['*']),
          apiVersions: strings(rule.apiVersions, ['*']),
          resources: strings(rule.resources, ['*']),
          scope: typeof rule.scope === 'string' ? rule.scope : '*',
        };
      });
    case 'ClusterPolicy':
    case 'Policy':
      return list(spec.rules).flatMap((r) => {
        const match = record(record(r).match);
        const blocks = [...list(match.any), ...list(match.all), ...(match.resources ? [match] : [])];
        return blocks.flatMap((block) => {
          const resources = record(record(block).resources);
          const operations = strings(resources.operations, DEFAULT_OPERATIONS);
          return strings(resources.kinds, []).flatMap((kind) => kindRules(kind, operations, unknownKind));
        });
      });
    default:
      return [];
  }
}

/** A Kyverno kind (`Service`, `v1/Service`, `networking.k8s.io/v1/Ingress`, `Pod/exec`) as webhook rules. */
function kindRules(kind: string, operations: string[], unknownKind: (kind: string) => void): WebhookRule[] {
  const segments = kind.split('/');
  // A trailing subresource follows the kind, which is capitalised: `Pod/exec`, `apps/v1/Deployment/scale`.
  const subresource = segments.length >= 2 && /^[A-Z]/.test(segments[segments.length - 2]!) ? segments.pop() : undefined;
  const bare = segments.pop()!;
  const version = segments.length > 0 ? parseApiVersion(segments.join('/')) : undefined;
  if (bare === '*') return [{ operations, apiGroups: ['*'], apiVersions: ['*'], resources: ['*'], scope: '*' }];
  const served = resourcesOfKind(bare).filter((r) => version === undefined || r.group === version.group);
  if (served.length === 0) {
    unknownKind(kind);
    return [];
  }
  return served.map((r) => ({
    operations,
    apiGroups: [r.group],
    apiVersions: [version?.version ?? '*'],
    resources: [subresource === undefined ? r.resource : `${r.resource}/${subresource}`],
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
  }));
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function strings(value: unknown, fallback: string[]): string[] {
  return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string') ? (value as string[]) : fallback;
}
