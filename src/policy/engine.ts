// Runs a set of policies over one input and turns their outcomes into results: rule metadata, severity overrides,
// exemptions (honoured, or only from trusted requesters), and fail-closed errors when a policy throws.
import { refOf } from '../kube/object.js';
import type { EvaluationInput, Policy, RuleInfo, RuleOutcome } from './policy.js';
import type { PolicyResult, Severity } from './result.js';
import {
  EXEMPTIONS_POLICY,
  EXEMPT_ANNOTATION,
  JUSTIFICATION_ANNOTATION,
  MISSING_JUSTIFICATION_RULE,
  UNKNOWN_RULE_RULE,
  exemptionCovers,
  exemptionOf,
  type Exemption,
} from './exemptions.js';

/** Operator settings per rule. Keys are a rule ID or `policy/rule`. */
export interface RuleSettings {
  disabled?: ReadonlySet<string>;
  severity?: ReadonlyMap<string, Severity>;
}

export const EXEMPTION_RULES: readonly RuleInfo[] = [
  {
    id: MISSING_JUSTIFICATION_RULE,
    severity: 'medium',
    description: `An object that claims an exemption with ${EXEMPT_ANNOTATION} must say why in ${JUSTIFICATION_ANNOTATION}.`,
    remediation: `Add a ${JUSTIFICATION_ANNOTATION} annotation (e.g. a ticket ID and reason) or remove ${EXEMPT_ANNOTATION}.`,
    category: 'Exemptions',
  },
  {
    id: UNKNOWN_RULE_RULE,
    severity: 'low',
    description: `Every entry of ${EXEMPT_ANNOTATION} should name a rule or policy that exists, so typos do not hide behind it.`,
    remediation: 'Correct the rule name; `gatehouse scan --format json` lists policy and rule names.',
    category: 'Exemptions',
  },
];

/** Reported when an object claims an exemption that this engine does not accept from where the object came. */
export const EXEMPTION_NOT_ACCEPTED_RULE = 'exemption-not-accepted';

const EXEMPTION_NOT_ACCEPTED: RuleInfo = {
  id: EXEMPTION_NOT_ACCEPTED_RULE,
  severity: 'low',
  description: `${EXEMPT_ANNOTATION} is only honoured from requesters trusted with exemptions; anyone else's object is judged in full.`,
  remediation: `Remove ${EXEMPT_ANNOTATION}, or ask for the exemption through someone trusted with exemptions.`,
  category: 'Exemptions',
};

/**
 * Whether exemption annotations count. Offline the author of a file is trusted (`honor`); at admission the requester
 * writes the annotation, so it counts only when the request comes from someone trusted with exemptions (a function
 * of the input, e.g. its `userInfo.groups`) — otherwise the object is judged as if it had none.
 */
export type ExemptionMode = 'honor' | 'ignore' | ((input: EvaluationInput) => boolean);

export interface EngineOptions {
  /** Default `honor`. */
  exemptions?: ExemptionMode;
}

/** What the engine applies to one rule's outcomes, looked up once per rule rather than once per outcome. */
interface RuleTreatment {
  disabled: boolean;
  info?: RuleInfo;
  /** The operator's severity override. */
  severity?: Severity;
}

export class PolicyEngine {
  private readonly ruleInfo = new Map<string, RuleInfo>();
  private readonly knownNames = new Set<string>();
  /** Each policy's declared rules by ID; other rule names an outcome carries are treated as they come. */
  private readonly treatments = new Map<Policy, Map<string, RuleTreatment>>();
  private readonly exemptions: ExemptionMode;

  constructor(
    readonly policies: readonly Policy[],
    private readonly settings: RuleSettings = {},
    options: EngineOptions = {},
  ) {
    this.exemptions = options.exemptions ?? 'honor';
    for (const policy of policies) {
      this.knownNames.add(policy.name);
      for (const rule of policy.rules) {
        this.ruleInfo.set(`${policy.name}/${rule.id}`, rule);
        this.knownNames.add(rule.id);
        this.knownNames.add(`${policy.name}/${rule.id}`);
      }
    }
    for (const policy of policies) this.treatments.set(policy, new Map(policy.rules.map((rule) => [rule.id, this.treatment(policy.name, rule.id)])));
  }

  private treatment(policy: string, rule: string): RuleTreatment {
    const key = `${policy}/${rule}`;
    const treatment: RuleTreatment = { disabled: this.settings.disabled?.has(rule) === true || this.settings.disabled?.has(key) === true };
    const info = this.ruleInfo.get(key);
    if (info) treatment.info = info;
    const severity = this.severityFor(key, rule);
    if (severity) treatment.severity = severity;
    return treatment;
  }

  /** Metadata of every rule, for formatters that describe rules (SARIF). */
  rules(): { policy: string; rule: RuleInfo }[] {
    const out = this.policies.flatMap((p) => p.rules.map((rule) => ({ policy: p.name, rule })));
    const exemptionRules = this.exemptions === 'honor' ? EXEMPTION_RULES : [...EXEMPTION_RULES, EXEMPTION_NOT_ACCEPTED];
    return [...out, ...exemptionRules.map((rule) => ({ policy: EXEMPTIONS_POLICY, rule }))];
  }

  /** The object's exemption when this engine accepts it; a warning result when it is claimed but not accepted. */
  private acceptedExemption(input: EvaluationInput, results: PolicyResult[]): Exemption | undefined {
    const exemption = exemptionOf(input.object);
    if (!exemption || this.exemptions === 'honor') return exemption;
    if (this.exemptions !== 'ignore' && this.exemptions(input)) return exemption;
    const from = input.userInfo ? `user "${input.userInfo.username}"` : 'this source';
    results.push(this.exemptionFinding(EXEMPTION_NOT_ACCEPTED_RULE,
      `${EXEMPT_ANNOTATION} ("${exemption.entries.join(',')}") is ignored: exemptions are not accepted from ${from}; the object is judged in full`,
      input, 'warn'));
    return undefined;
  }

  async evaluate(input: EvaluationInput): Promise<PolicyResult[]> {
    const resource = refOf(input.object);
    const source = input.source;
    const results: PolicyResult[] = [];
    const exemption = this.acceptedExemption(input, results);
    const justified = exemption?.justification !== undefined;
    if (exemption && !justified) {
      results.push(this.exemptionFinding(MISSING_JUSTIFICATION_RULE,
        `${EXEMPT_ANNOTATION} is set to "${exemption.entries.join(',')}" without a ${JUSTIFICATION_ANNOTATION} annotation; the exemption is ignored`,
        input));
    }
    for (const entry of exemption?.entries ?? []) {
      if (!this.knownNames.has(entry)) {
        // A warning, not a failure: the rule may belong to a policy this run did not load.
        results.push(this.exemptionFinding(UNKNOWN_RULE_RULE, `${EXEMPT_ANNOTATION} names "${entry}", which is not a policy or rule of this run`, input, 'warn'));
      }
    }
    for (const policy of this.policies) {
      const treatments = this.treatments.get(policy)!;
      let outcomes: readonly RuleOutcome[];
      try {
        // Most policies answer synchronously; awaiting only real promises saves a microtask turn per policy.
        const pending = policy.evaluate(input);
        outcomes = pending instanceof Promise ? await pending : pending;
      } catch (err) {
        outcomes = [{ rule: policy.rules[0]?.id ?? policy.name, result: 'error', severity: 'high',
          message: `policy ${policy.name} failed to evaluate: ${(err as Error).message}` }];
      }
      for (const outcome of outcomes) {
        const treatment = treatments.get(outcome.rule) ?? this.treatment(policy.name, outcome.rule);
        if (treatment.disabled) continue;
        const info = treatment.info;
        const severity = treatment.severity ?? outcome.severity ?? info?.severity ?? (outcome.result === 'skip' || outcome.result === 'pass' ? 'info' : 'medium');
        const result: PolicyResult = { policy: policy.name, rule: outcome.rule, result: outcome.result, severity, message: outcome.message, resource, source };
        if (info?.category) result.category = info.category;
        if (info?.remediation) result.remediation = info.remediation;
        if (outcome.properties) result.properties = outcome.properties;
        if (justified && (outcome.result === 'fail' || outcome.result === 'warn') && exemptionCovers(exemption!, policy.name, outcome.rule)) {
          result.result = 'skip';
          result.justification = exemption!.justification;
          result.message = `exempted (${exemption!.justification}): ${outcome.message}`;
        }
        results.push(result);
      }
    }
    return results;
  }

  private severityFor(key: string, rule: string): Severity | undefined {
    return this.settings.severity?.get(key) ?? this.settings.severity?.get(rule);
  }

  private exemptionFinding(rule: string, message: string, input: EvaluationInput, status: 'fail' | 'warn' = 'fail'): PolicyResult {
    const info = rule === EXEMPTION_NOT_ACCEPTED_RULE ? EXEMPTION_NOT_ACCEPTED : EXEMPTION_RULES.find((r) => r.id === rule)!;
    const severity = this.severityFor(`${EXEMPTIONS_POLICY}/${rule}`, rule) ?? info.severity;
    return { policy: EXEMPTIONS_POLICY, rule, result: status, severity, message, resource: refOf(input.object), source: input.source,
      category: info.category, remediation: info.remediation };
  }
}
