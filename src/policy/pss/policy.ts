// Pod Security Standards as a Gatehouse policy: one rule per PSA check at the selected level and version, one
// outcome per check for every object that carries a pod template.
import { hasPodTemplate, podTemplateOf } from '../../kube/pod-template.js';
import type { EvaluationInput, Policy, RuleInfo, RuleOutcome } from '../policy.js';
import { activeChecks, evaluatePodSecurity, formatForbidden, type PssSelector } from './evaluate.js';

const PSS_CATEGORY = 'Pod Security Standards';
const HELP_URI = 'https://kubernetes.io/docs/concepts/security/pod-security-standards/';

export function podSecurityPolicyName(selector: Pick<PssSelector, 'level'>): string {
  return `pod-security-${selector.level}`;
}

export function createPodSecurityPolicy(selector: PssSelector): Policy {
  const name = podSecurityPolicyName(selector);
  const label = `${selector.level}:${selector.version}`;
  const rules: RuleInfo[] = activeChecks(selector).map(({ info }) => ({
    id: info.id,
    severity: info.severity,
    description: info.description,
    remediation: info.remediation,
    category: PSS_CATEGORY,
    helpUri: `${HELP_URI}#${info.level}`,
  }));
  // An allowed pod's outcomes are the same every time; shared, they cost nothing per evaluation.
  const passed = new Map(rules.map(({ id }): [string, RuleOutcome] => [id, Object.freeze({ rule: id, result: 'pass', message: `allowed by ${label}` })]));

  function evaluate(input: EvaluationInput): RuleOutcome[] {
    const { object } = input;
    const template = podTemplateOf(object);
    if (!template) {
      // A pod-template kind without a template is malformed: fail closed rather than report it as not applicable.
      return hasPodTemplate(object)
        ? [{ rule: '*', result: 'error', severity: 'high', message: `${object.kind} has no pod template to evaluate; ${name} cannot judge it` }]
        : [{ rule: '*', result: 'skip', message: `${object.kind} has no pod template; ${name} does not apply` }];
    }
    return evaluatePodSecurity(selector, template.metadata, template.spec).map((verdict): RuleOutcome => verdict.allowed
      ? passed.get(verdict.id)!
      : {
        rule: verdict.id,
        result: 'fail',
        message: formatForbidden(verdict),
        properties: { reason: verdict.reason, ...(verdict.detail ? { detail: verdict.detail } : {}), policyVersion: label, specPath: template.specPath },
      });
  }

  return { name, title: `Pod Security Standards (${label})`, rules, evaluate };
}
