// Turns a program's result into rule outcomes. A violation becomes `fail` or `warn` depending on how the policy
// is enforced; `properties.violation` marks it either way, so `gatehouse test` can compare with Kyverno's `fail`.
import type { RuleOutcome } from '../policy.js';
import type { ProgramResult, ValidationOutcome } from './program.js';

export const ANY_RULE = '*';

/** Kinds for which a policy keeps its out-of-scope outcome (more are answered with a new one each time). */
const MAX_KINDS_KEPT = 256;

/**
 * A policy's one outcome for an object outside its match constraints: the same read-only outcome for every object
 * of a kind (the result names the object).
 */
export class OutsideMatch {
  readonly #byKind = new Map<string, readonly RuleOutcome[]>();

  constructor(private readonly policy: string) {}

  outcomes(kind: string): readonly RuleOutcome[] {
    let outcomes = this.#byKind.get(kind);
    if (outcomes === undefined) {
      const message = `${kind} is outside the matchConstraints of ${this.policy}; the policy does not apply`;
      outcomes = Object.freeze([Object.freeze<RuleOutcome>({ rule: ANY_RULE, result: 'skip', message })]);
      if (this.#byKind.size < MAX_KINDS_KEPT) this.#byKind.set(kind, outcomes);
    }
    return outcomes;
  }
}

export interface OutcomeStyle {
  violation: 'fail' | 'warn';
  /** Prefix for violation messages (e.g. `audit: `). */
  violationPrefix?: string;
  /** The rule a validation's field path belongs to. */
  ruleOf(path: string): string;
  properties?: Record<string, unknown>;
  /**
   * Keeps the rule outcome of each frozen validation outcome (one that holds, one that fails with a fixed message),
   * when the style is used for many evaluations (one per policy): outcomes are read-only, so the same object can be
   * returned every time.
   */
  outcomeCache?: WeakMap<ValidationOutcome | ProgramResult, RuleOutcome | readonly RuleOutcome[]>;
}

export function outcomesOf(result: ProgramResult, style: OutcomeStyle): readonly RuleOutcome[] {
  if (result.kind !== 'evaluated' || !result.allPassed || !style.outcomeCache) return derive(result, style);
  let outcomes = style.outcomeCache.get(result) as readonly RuleOutcome[] | undefined;
  if (!outcomes) style.outcomeCache.set(result, (outcomes = Object.freeze(derive(result, style))));
  return outcomes;
}

function derive(result: ProgramResult, style: OutcomeStyle): RuleOutcome[] {
  const properties = style.properties;
  switch (result.kind) {
    case 'not-matched':
      return [withProperties({ rule: ANY_RULE, result: 'skip', message: `match condition "${result.condition}" is false; the policy does not apply` }, withKeys(properties))];
    case 'error':
      return [withProperties({ rule: ANY_RULE, result: 'error', message: result.message }, withKeys(properties))];
    case 'evaluated': {
      // Outcomes without a violation share one properties object (RuleOutcome properties are read-only).
      const common = withKeys(hasKeys(result.auditAnnotations) ? { ...properties, auditAnnotations: result.auditAnnotations } : properties);
      if (result.validations.length === 0) return [withProperties({ rule: ANY_RULE, result: 'pass', message: 'no validation applies' }, common)];
      const cache = common === withKeys(properties) ? style.outcomeCache : undefined;
      return result.validations.map((v) => {
        // Frozen validation outcomes (a pass, a failure with a fixed message) have one rule outcome each.
        const shared = cache && Object.isFrozen(v);
        let outcome = shared ? (cache.get(v) as RuleOutcome | undefined) : undefined;
        if (outcome) return outcome;
        const rule = style.ruleOf(v.path);
        if (v.status !== 'fail') outcome = withProperties({ rule, result: v.status, message: v.message }, common);
        else {
          outcome = { rule, result: style.violation, message: `${style.violationPrefix ?? ''}${v.message}` };
          outcome.properties = { ...common, violation: true, ...(v.reason ? { reason: v.reason } : {}) };
        }
        if (shared) {
          if (outcome.properties) Object.freeze(outcome.properties);
          cache.set(v, Object.freeze(outcome));
        }
        return outcome;
      });
    }
  }
}

function withProperties(outcome: RuleOutcome, properties: Record<string, unknown> | undefined): RuleOutcome {
  if (properties) outcome.properties = properties;
  return outcome;
}

function withKeys(record: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  return record && hasKeys(record) ? record : undefined;
}

function hasKeys(record: Record<string, unknown>): boolean {
  for (const _ in record) return true;
  return false;
}
