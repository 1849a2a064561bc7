// Where the admission policy set comes from: the Pod Security Standards levels and built-in rules the settings
// select, plus the policy files (ValidatingAdmissionPolicy + bindings, Kyverno policies) — compiled together, so one
// file that does not compile rejects the whole set with the file and field named.
import type { Policy, RuleOutcome } from '../policy/policy.js';
import { createPodSecurityPolicy, podSecurityPolicyName, type PssSelector } from '../policy/pss/index.js';
import type { AdmissionSettings } from './config.js';
import type { PolicySetParts } from './policy-set.js';

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
