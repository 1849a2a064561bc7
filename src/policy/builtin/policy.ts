// The `gatehouse-builtin` policy: Gatehouse's own workload rules drawn from the seeds (catalogue in registry.ts,
// documented in docs/rules.md). Each applicable rule reports one pass, one skip, or one fail per finding; an object
// none of the rules applies to gets exactly one `*` skip.
import type { Policy, RuleInfo, RuleOutcome } from '../policy.js';
import { resolveBuiltinOptions, type BuiltinPolicyOptions } from './options.js';
import { BUILTIN_RULES } from './registry.js';
import type { BuiltinRule, SubjectType } from './rule.js';
import { subjectOf } from './subject.js';

export const BUILTIN_POLICY = 'gatehouse-builtin';

export const BUILTIN_RULE_INFO: readonly RuleInfo[] = BUILTIN_RULES.map(({ id, severity, description, remediation, category }) => ({
  id,
  severity,
  description,
  ...(remediation !== undefined && { remediation }),
  ...(category !== undefined && { category }),
}));

/** The built-in policy; throws when an allowed-registry entry is invalid (the configuration loader checks first). */
export function createBuiltinPolicy(options: BuiltinPolicyOptions = {}): Policy {
  const resolved = resolveBuiltinOptions(options);
  const rulesFor = (type: SubjectType): readonly BuiltinRule[] => BUILTIN_RULES.filter((rule) => rule.appliesTo.includes(type));
  const applicable: Record<SubjectType, readonly BuiltinRule[]> = { workload: rulesFor('workload'), service: rulesFor('service'), ingress: rulesFor('ingress') };
  return {
    name: BUILTIN_POLICY,
    title: 'Gatehouse built-in workload rules',
    rules: BUILTIN_RULE_INFO,
    evaluate(input): RuleOutcome[] {
      const subject = subjectOf(input);
      if ('none' in subject) return [{ rule: '*', result: 'skip', message: `${subject.none}; ${BUILTIN_POLICY} does not apply` }];
      return applicable[subject.type].flatMap((rule) => rule.check(subject, resolved));
    },
  };
}

/** Every built-in rule as `{ policy, rule }`, the shape the configuration loader checks rule names against. */
export function builtinRuleCatalog(): { policy: string; rule: RuleInfo }[] {
  return BUILTIN_RULE_INFO.map((rule) => ({ policy: BUILTIN_POLICY, rule }));
}
