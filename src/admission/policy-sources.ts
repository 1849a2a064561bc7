// Where the admission policy set comes from: the Pod Security Standards levels and built-in rules the settings
// select, plus the policy files (ValidatingAdmissionPolicy + bindings, Kyverno policies) — compiled together, so one
// file that does not compile rejects the whole set with the file and field named.
import { ObjectIndex, type ObjectLookup } from '../kube/matching/object-index.js';
import { createBuiltinPolicy } from '../policy/builtin/policy.js';
import { formatLoadError, loadPolicies } from '../policy/loader/load-policies.js';
import type { Policy, RuleOutcome } from '../policy/policy.js';
import { createPodSecurityPolicy, podSecurityPolicyName, type PssSelector } from '../policy/pss/index.js';
import type { AdmissionSettings } from './config.js';
import type { PolicySetParts } from './policy-set.js';

/** Problems listed in one error before the rest are counted. */
const MAX_LISTED_PROBLEMS = 20;

function label(selector: PssSelector): string {
  return `${selector.level}:${selector.version}`;
}

/** A Pod Security Standards level evaluated for warnings only: its violations become `warn` results. */
function warnOnly(selector: PssSelector): Policy {
  const policy = createPodSecurityPolicy(selector);
  return {
    name: `${podSecurityPolicyName(selector)}-warn`,
    title: `${policy.title ?? policy.name} (warnings)`,
    rules: policy.rules,
    async evaluate(input): Promise<RuleOutcome[]> {
      const outcomes = await policy.evaluate(input);
      return outcomes.map((o) => (o.result === 'fail' ? { ...o, result: 'warn' } : o));
    },
  };
}

export function podSecurityParts(settings: AdmissionSettings): PolicySetParts['podSecurity'] {
  const parts: PolicySetParts['podSecurity'] = [];
  const { enforce, warn } = settings.podSecurity;
  if (enforce) parts.push({ policy: createPodSecurityPolicy(enforce), level: label(enforce) });
  if (warn) parts.push({ policy: warnOnly(warn), level: label(warn) });
  return parts;
}

/** Objects found in the cluster first, then among the policy files (params shipped beside their policy). */
function layered(cluster: ObjectLookup, files: ObjectLookup): ObjectLookup {
  return {
    get: (group, kind, namespace, name) => cluster.get(group, kind, namespace, name) ?? files.get(group, kind, namespace, name),
    list: (group, kind, namespace, selector) => {
      const found = cluster.list(group, kind, namespace, selector);
      return found.length > 0 ? found : files.list(group, kind, namespace, selector);
    },
    namespace: (name) => cluster.namespace(name) ?? files.namespace(name),
  };
}

/**
 * Compiles everything the settings and policy files ask for. Throws when any file has a problem or holds a policy
 * Gatehouse cannot enforce, because serving a set with a policy silently missing would be failing open.
 */
export async function loadAdmissionPolicies(settings: AdmissionSettings, paths: readonly string[], cluster: ObjectLookup): Promise<PolicySetParts> {
  const fileObjects = new ObjectIndex();
  const loaded = paths.length > 0 ? await loadPolicies(paths, { lookup: layered(cluster, fileObjects) }) : { policies: [], errors: [], unsupported: [], objects: [] };
  for (const { object } of loaded.objects) fileObjects.add(object);
  const problems = [
    ...loaded.errors.map(formatLoadError),
    ...loaded.unsupported.map((u) => `${u.source.file}:${u.source.line}: ${u.kind}/${u.name}: cannot be enforced at admission: ${u.reason}`),
  ];
  if (problems.length > 0) {
    const more = problems.length > MAX_LISTED_PROBLEMS ? `\n(and ${problems.length - MAX_LISTED_PROBLEMS} more)` : '';
    throw new Error(`${problems.length} problem(s) in the policy files:\n${problems.slice(0, MAX_LISTED_PROBLEMS).join('\n')}${more}`);
  }
  return {
    podSecurity: podSecurityParts(settings),
    builtin: settings.builtin ? [createBuiltinPolicy(settings.builtin)] : [],
    declared: loaded.policies,
  };
}
