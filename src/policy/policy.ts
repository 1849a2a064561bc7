// What a policy is to the engine: named rules with metadata, and a function from an admission-shaped input to outcomes.
// Pod Security Standards, the built-in rules, ValidatingAdmissionPolicy and Kyverno policies all implement this.
import type { AdmissionOperation, AdmissionUser } from '../kube/matching/attributes.js';
import type { KubeObject, SourceLocation } from '../kube/object.js';
import type { ResultStatus, Severity } from './result.js';

/** The admission operation; offline scans judge every object as a CREATE. */
export type Operation = AdmissionOperation;

/** The authenticated user behind a request, as Kubernetes passes it to admission (`request.userInfo`). */
export type UserInfo = AdmissionUser;

/**
 * One object to judge, with the admission context around it. Offline scans set only `object` and `source`
 * (operation CREATE); the admission webhook fills the rest from the AdmissionReview.
 */
export interface EvaluationInput {
  object: KubeObject;
  source?: SourceLocation;
  operation: Operation;
  oldObject?: KubeObject | null;
  userInfo?: UserInfo;
  namespaceObject?: KubeObject | null;
  dryRun?: boolean;
  /** Admission `request.subResource`, `request.resource` etc. for policies that match on them. */
  request?: Record<string, unknown>;
}

export interface RuleInfo {
  /** Stable identifier, used in results, exemptions, configuration and SARIF. */
  id: string;
  severity: Severity;
  /** One line: why the rule exists. */
  description: string;
  remediation?: string;
  category?: string;
  helpUri?: string;
}

export interface RuleOutcome {
  rule: string;
  result: ResultStatus;
  message: string;
  /** Overrides the rule's default severity for this outcome. */
  severity?: Severity;
  properties?: Record<string, unknown>;
}

export interface Policy {
  readonly name: string;
  readonly title?: string;
  readonly rules: readonly RuleInfo[];
  /**
   * False for a policy about the request rather than the object — who makes a change (it reads
   * `request.userInfo`), or one its author kept out of background scans: a background audit of stored objects,
   * which no user is making, skips it. Default true.
   */
  readonly background?: boolean;
  /** Outcomes for the rules that apply to this object; none when the policy does not match it at all. */
  evaluate(input: EvaluationInput): readonly RuleOutcome[] | Promise<readonly RuleOutcome[]>;
}
