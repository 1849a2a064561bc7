// Turns a program's result into rule outcomes. A violation becomes `fail` or `warn` depending on how the policy
// is enforced; `properties.violation` marks it either way, so `gatehouse test` can compare with Kyverno's `fail`.
import type { RuleOutcome } from '../policy.js';
import type { ProgramResult } from './program.js';

export const ANY_RULE = '*';

export interface OutcomeStyle {
  violation: 'fail' | 'warn';
  /** Prefix for violation messages (e.g. `audit: `). */
  violationPrefix?: string;
  /** The rule a validation's field path belongs to. */
  ruleOf(path: string): string;
  properties?: Record<string, unknown>;
}

export function outcomesOf(result: ProgramResult, style: OutcomeStyle): RuleOutcome[] {
  const properties = style.properties;
  switch (result.kind) {
    case 'not-matched':
      return [withProperties({ rule: ANY_RULE, result: 'skip', message: `match condition "${result.condition}" is false; the policy does not apply` }, properties)];
    case 'error':
      return [withProperties({ rule: ANY_RULE, result: 'error', message: result.message }, properties)];
    case 'evaluated': {
      const annotations = Object.keys(result.auditAnnotations).length > 0 ? { auditAnnotations: result.auditAnnotations } : undefined;
      if (result.validations.length === 0) {
        return [withProperties({ rule: ANY_RULE, result: 'pass', message: 'no validation applies' }, { ...properties, ...annotations })];
      }
      return result.validations.map((v) => {
        const outcome: RuleOutcome = { rule: style.ruleOf(v.path), result: v.status === 'fail' ? style.violation : v.status, message: v.message };
        if (v.status === 'fail') {
          outcome.message = `${style.violationPrefix ?? ''}${v.message}`;
          return withProperties(outcome, { ...properties, ...annotations, violation: true, ...(v.reason ? { reason: v.reason } : {}) });
        }
        return withProperties(outcome, { ...properties, ...annotations });
      });
    }
  }
}

function withProperties(outcome: RuleOutcome, properties: Record<string, unknown> | undefined): RuleOutcome {
  if (properties && Object.keys(properties).length > 0) outcome.properties = properties;
  return outcome;
}
