// What a built-in rule is: catalogue metadata (id, severity, why, remediation, seed) plus a check over one subject.
// Rules are pure functions of the subject and the resolved options; the policy (policy.ts) picks the subject.
import type { KubeObject } from '../../kube/object.js';
import type { PodTemplate } from '../../kube/pod-template.js';
import type { RuleInfo, RuleOutcome } from '../policy.js';
import type { ResolvedBuiltinOptions } from './options.js';

/** What the built-in rules judge: a workload's pod template, or a Service or Ingress. */
export type Subject =
  | { type: 'workload'; object: KubeObject; namespace?: string; pod: PodTemplate }
  | { type: 'service'; object: KubeObject; namespace?: string }
  | { type: 'ingress'; object: KubeObject; namespace?: string };

export type SubjectType = Subject['type'];

export interface BuiltinRule extends RuleInfo {
  /** The talk in the project's seeds the rule comes from, e.g. `001` (docs/rules.md). */
  readonly seed: string;
  readonly appliesTo: readonly SubjectType[];
  /** This rule's outcomes for the subject: one `pass`, one `skip`, or one `fail` per finding. */
  check(subject: Subject, options: ResolvedBuiltinOptions): RuleOutcome[];
}
