// policies.kyverno.io ValidatingPolicy (v1alpha1, v1beta1, v1) and NamespacedValidatingPolicy: a
// ValidatingAdmissionPolicy without bindings, with Kyverno's CEL libraries and auto-generated rules for pod
// controllers. Kyverno reports a violation as `fail` whatever the validationActions (they decide enforcement
// only), so Gatehouse does the same and records the actions in the result's properties.
import type { KubeObject } from '../../kube/object.js';
import { asRecord } from '../../kube/pod-template.js';
import type { AdmissionAttributes } from '../../kube/matching/attributes.js';
import { matchesResources, parseMatchResources, type MatchResources } from '../../kube/matching/match-resources.js';
import { EMPTY_LOOKUP, type ObjectLookup } from '../../kube/matching/object-index.js';
import type { EvaluationInput, Policy, RuleOutcome } from '../policy.js';
import { prepareInput } from '../vap/activation.js';
import { ANY_RULE, OutsideMatch, outcomesOf } from '../vap/outcomes.js';
import type { Parsed } from '../vap/parse.js';
import { validationRuleId, validationRules } from '../vap/policy.js';
import {
  FieldErrors, readAuditAnnotations, readFailurePolicy, readNamedExpressions, readValidations, type ProgramSpec,
} from '../vap/program-spec.js';
import { CompiledPolicyProgram } from '../vap/program.js';
import { POD_TEMPLATE_VIEW, podTemplateView, VALIDATING_POLICY_CONTROLLERS } from './autogen.js';
import { kyvernoLibraries } from './libraries.js';
import { severityOf } from './metadata.js';

export const KYVERNO_POLICIES_GROUP = 'policies.kyverno.io';
export const VALIDATING_POLICY_KINDS: readonly string[] = ['ValidatingPolicy', 'NamespacedValidatingPolicy'];

export interface ValidatingPolicySpec {
  name: string;
  /** Set for NamespacedValidatingPolicy: it only judges objects in its own namespace. */
  namespace?: string;
  matchConstraints: MatchResources;
  program: ProgramSpec;
  validationActions: string[];
  /** Pod controller kinds (group/kind) the policy's pod rules are auto-generated for. */
  autogen: { group: string; kind: string; operations: string[] }[];
  annotations: Record<string, string>;
  /** `spec.evaluation.background.enabled` (default true): whether background scans evaluate the policy. */
  background: boolean;
}

export function parseValidatingPolicy(doc: KubeObject): Parsed<ValidatingPolicySpec> {
  const errors = new FieldErrors();
  const name = doc.metadata?.name;
  if (typeof name !== 'string' || name === '') errors.add('metadata.name', 'must be a non-empty string');
  const spec = asRecord(doc.spec);
  if (!spec) return { ok: false, errors: ['spec: must be a mapping'] };
  const evaluation = asRecord(spec.evaluation);
  if (evaluation?.mode !== undefined && evaluation.mode !== 'Kubernetes') {
    errors.add('spec.evaluation.mode', `${String(evaluation.mode)} payloads are not supported; only Kubernetes objects`);
  }
  const match = parseMatchResources(spec.matchConstraints, 'spec.matchConstraints');
  errors.list.push(...match.errors);
  const actions = spec.validationActions ?? ['Deny'];
  if (!Array.isArray(actions) || actions.some((a) => a !== 'Deny' && a !== 'Warn' && a !== 'Audit')) {
    errors.add('spec.validationActions', 'must be a list of Deny, Warn, Audit');
  }
  const program: ProgramSpec = {
    variables: readNamedExpressions(spec.variables, 'spec.variables', errors, true),
    matchConditions: readNamedExpressions(spec.matchConditions, 'spec.matchConditions', errors, false),
    validations: readValidations(spec.validations, 'spec.validations', errors),
    auditAnnotations: readAuditAnnotations(spec.auditAnnotations, 'spec.auditAnnotations', errors),
    failurePolicy: readFailurePolicy(spec.failurePolicy, 'spec.failurePolicy', errors),
  };
  if (program.validations.length === 0) errors.add('spec.validations', 'at least one validation is required');
  if (errors.list.length > 0 || !match.match) return { ok: false, errors: errors.list };
  const value: ValidatingPolicySpec = {
    name: name as string,
    matchConstraints: match.match,
    program,
    validationActions: actions as string[],
    autogen: autogenTargets(match.match, asRecord(asRecord(spec.autogen)?.podControllers)?.controllers),
    annotations: (asRecord(doc.metadata?.annotations) ?? {}) as Record<string, string>,
    background: asRecord(asRecord(spec.evaluation)?.background)?.enabled !== false,
  };
  if (doc.kind === 'NamespacedValidatingPolicy') value.namespace = doc.metadata?.namespace ?? 'default';
  return { ok: true, value };
}

/** Kyverno auto-generates only for a policy that matches exactly `pods`, with no selectors or resource names. */
function autogenTargets(match: MatchResources, controllers: unknown): ValidatingPolicySpec['autogen'] {
  const selectorSet = (s: MatchResources['namespaceSelector']) => s !== undefined && ((s.matchExpressions?.length ?? 0) > 0 || Object.keys(s.matchLabels ?? {}).length > 0);
  if (selectorSet(match.namespaceSelector) || selectorSet(match.objectSelector)) return [];
  if (match.resourceRules.length === 0) return [];
  if (!match.resourceRules.every((r) => r.resourceNames.length === 0 && r.resources.length === 1 && r.resources[0] === 'pods')) return [];
  const names = Array.isArray(controllers) ? controllers.filter((c): c is string => typeof c === 'string') : Object.keys(VALIDATING_POLICY_CONTROLLERS);
  const operations = match.resourceRules[0]!.operations;
  return names.flatMap((n) => {
    const target = VALIDATING_POLICY_CONTROLLERS[n];
    return target ? [{ ...target, operations }] : [];
  });
}

export function createValidatingPolicy(spec: ValidatingPolicySpec, lookup: ObjectLookup = EMPTY_LOOKUP): Policy {
  const program = new CompiledPolicyProgram(spec.program, { libraries: kyvernoLibraries(lookup) });
  // Shared by the outcomes of every evaluation: frozen, so that no reader can change another result's properties.
  const outside = new OutsideMatch(spec.name);
  const style = { violation: 'fail', ruleOf: validationRuleId, properties: Object.freeze({ validationActions: spec.validationActions }), outcomeCache: new WeakMap() } as const;
  return {
    name: spec.name,
    title: spec.annotations['policies.kyverno.io/title'] ?? `ValidatingPolicy ${spec.name}`,
    rules: validationRules(spec, severityOf(spec.annotations)),
    background: spec.background && !program.readsRequester,
    evaluate(input: EvaluationInput): readonly RuleOutcome[] {
      const { attrs, activation: shared } = prepareInput(input, lookup);
      if (spec.namespace !== undefined && attrs.namespace !== spec.namespace) {
        return [{ rule: ANY_RULE, result: 'skip', message: `${spec.name} only applies in namespace ${spec.namespace}` }];
      }
      const activation = matchesResources(spec.matchConstraints, attrs) ? shared : autogenJudges(spec, attrs) ? shared.view(POD_TEMPLATE_VIEW, podTemplateView) : undefined;
      if (!activation) return outside.outcomes(attrs.resource.kind);
      return outcomesOf(program.evaluate(activation), style);
    },
  };
}

/** Whether an autogen rule of the policy judges this controller (its pod template, through podTemplateView). */
function autogenJudges(spec: ValidatingPolicySpec, attrs: AdmissionAttributes): boolean {
  const { group, kind, version } = attrs.resource;
  if (version !== 'v1' || attrs.subResource !== '') return false;
  for (const target of spec.autogen) {
    if (target.group !== group || target.kind !== kind) continue;
    for (const op of target.operations) if (op === '*' || op === attrs.operation) return true;
    return false;
  }
  return false;
}
