// Turns a rule's findings into outcomes: one fail per finding (with the field path that failed), or one pass.
import type { RuleOutcome } from '../policy.js';
import type { Severity } from '../result.js';

export interface Finding {
  message: string;
  /** Field path within the object, e.g. `spec.template.spec.containers[0].resources.limits.memory`. */
  path: string;
  /** When this finding is more or less severe than the rule's default. */
  severity?: Severity;
}

export function verdict(rule: string, findings: readonly Finding[], passMessage: string): RuleOutcome[] {
  return findings.length === 0 ? passed(rule, passMessage) : failed(rule, findings);
}

export function passed(rule: string, message: string): RuleOutcome[] {
  return [{ rule, result: 'pass', message }];
}

export function failed(rule: string, findings: readonly Finding[]): RuleOutcome[] {
  return findings.map((f) => {
    const outcome: RuleOutcome = { rule, result: 'fail', message: f.message, properties: { path: f.path } };
    if (f.severity) outcome.severity = f.severity;
    return outcome;
  });
}

export function skipped(rule: string, message: string): RuleOutcome[] {
  return [{ rule, result: 'skip', message }];
}
