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
import { parseMatchResources } from '../../kube/matching/match-resources.js';
import { resourcesOfKind } from '../../kube/matching/resources.js';
import { asRecord } from '../../kube/pod-template.js';
import { parseMatchBlock, type KindPattern } from '../../policy/kyverno/match.js';
import { FieldErrors } from '../../policy/vap/program-spec.js';

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
  const spec = asRecord(object.spec) ?? {};
  switch (object.kind) {
    case 'ValidatingAdmissionPolicy':
    case 'ValidatingPolicy':
    case 'NamespacedValidatingPolicy':
      return (parseMatchResources(spec.matchConstraints, 'spec.matchConstraints').match?.resourceRules ?? []).map((rule) => ({
        operations: orElse(rule.operations, DEFAULT_OPERATIONS),
        apiGroups: orElse(rule.apiGroups, ['*']),
        apiVersions: orElse(rule.apiVersions, ['*']),
        resources: orElse(rule.resources, ['*']),
        scope: rule.scope,
      }));
    case 'ClusterPolicy':
    case 'Policy':
      return (Array.isArray(spec.rules) ? spec.rules : []).flatMap((rule: unknown, i: number) => {
        const match = parseMatchBlock(asRecord(rule)?.match, `spec.rules[${i}].match`, new FieldErrors());
        return [...match.any, ...match.all].flatMap(({ resources }) => {
          const operations = orElse(resources?.operations ?? [], DEFAULT_OPERATIONS);
          return (resources?.kinds ?? []).flatMap((kind) => kindRules(kind, operations, unknownKind));
        });
      });
    default:
      return [];
  }
}

/** A Kyverno kind (`Service`, `v1/Service`, `networking.k8s.io/v1/Ingress`, `Pod/exec`) as webhook rules. */
function kindRules(pattern: KindPattern, operations: string[], unknownKind: (kind: string) => void): WebhookRule[] {
  if (pattern.name === '*') return [{ operations, apiGroups: ['*'], apiVersions: ['*'], resources: ['*'], scope: '*' }];
  // A version without a group (`v1/Service`) is the core group.
  const group = pattern.version === undefined ? undefined : (pattern.group ?? '');
  const served = resourcesOfKind(pattern.name).filter((r) => group === undefined || r.group === group);
  if (served.length === 0) {
    unknownKind(pattern.text);
    return [];
  }
  return served.map((r) => ({
    operations,
    apiGroups: [r.group],
    apiVersions: [pattern.version ?? '*'],
    resources: [pattern.subresource === undefined ? r.resource : `${r.resource}/${pattern.subresource}`],
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
  }));
}

function orElse(values: string[], fallback: string[]): string[] {
  return values.length > 0 ? values : fallback;
}
