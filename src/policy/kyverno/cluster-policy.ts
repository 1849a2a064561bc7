// kyverno.io ClusterPolicy / Policy. Rules whose validation is `validate.cel` are compiled and evaluated like a
// ValidatingAdmissionPolicy (celPreconditions are its match conditions); every other rule type is reported as
// unsupported by name whenever it matches an object — an `error` result, never a silent pass. Pod rules also
// judge pod controllers through Kyverno's `autogen-` / `autogen-cronjob-` rules.
import type { KubeObject } from '../../kube/object.js';
import { asRecord } from '../../kube/pod-template.js';
import type { AdmissionAttributes } from '../../kube/matching/attributes.js';
import { EMPTY_LOOKUP, type ObjectLookup } from '../../kube/matching/object-index.js';
import type { EvaluationInput, Policy, RuleInfo, RuleOutcome } from '../policy.js';
import { prepareInput } from '../vap/activation.js';
import type { CelActivation } from '../vap/cel-activation.js';
import type { Parsed, ParamRef } from '../vap/parse.js';
import { resolveParams } from '../vap/params.js';
import {
  FieldErrors, readAuditAnnotations, readFailurePolicy, readNamedExpressions, readParamKind, readValidations,
  type FailurePolicy, type ParamKind, type ProgramSpec,
} from '../vap/program-spec.js';
import { CompiledPolicyProgram, type ProgramResult } from '../vap/program.js';
import { ANY_RULE } from '../vap/outcomes.js';
import { AUTOGEN_ANNOTATION, CLUSTER_POLICY_CONTROLLERS, POD_TEMPLATE_VIEW, autogenRuleName, podTemplateView } from './autogen.js';
import { kyvernoLibraries } from './libraries.js';
import { excludedBy, matchesBlock, parseMatchBlock, type MatchBlock, type RequesterRoles } from './match.js';
import { severityOf } from './metadata.js';
import { unsupportedFeatureOf } from './unsupported.js';

export const KYVERNO_GROUP = 'kyverno.io';
export const CLUSTER_POLICY_KINDS: readonly string[] = ['ClusterPolicy', 'Policy'];

export type FailureAction = 'Audit' | 'Enforce';

export interface ClusterPolicyRule {
  name: string;
  match: MatchBlock;
  exclude: MatchBlock;
  failureAction: FailureAction;
  /** A `validate.cel` rule; absent when `unsupported` is set. */
  cel?: { program: ProgramSpec; paramKind?: ParamKind; paramRef?: ParamRef; message?: string };
  /** Why the rule cannot be evaluated (e.g. `validate.pattern (JMESPath)`). */
  unsupported?: string;
  /** Whether autogen rules are generated from this rule. */
  autogen: boolean;
  path: string;
}

export interface ClusterPolicySpec {
  name: string;
  namespace?: string;
  rules: ClusterPolicyRule[];
  /** Pod controller kinds the autogen rules cover. */
  controllers: string[];
  annotations: Record<string, string>;
  /** `spec.background` (default true): whether background scans evaluate the policy. */
  background: boolean;
}

export function parseClusterPolicy(doc: KubeObject): Parsed<ClusterPolicySpec> {
  const errors = new FieldErrors();
  const name = doc.metadata?.name;
  if (typeof name !== 'string' || name === '') errors.add('metadata.name', 'must be a non-empty string');
  const spec = asRecord(doc.spec);
  if (!spec) return { ok: false, errors: ['spec: must be a mapping'] };
  const defaultAction = readFailureAction(spec.validationFailureAction, 'spec.validationFailureAction', errors) ?? 'Audit';
  const failurePolicy = readFailurePolicy(spec.failurePolicy, 'spec.failurePolicy', errors);
  if (!Array.isArray(spec.rules) || spec.rules.length === 0) errors.add('spec.rules', 'must list at least one rule');
  const rules = (Array.isArray(spec.rules) ? spec.rules : []).map((r: unknown, i: number) =>
    parseRule(r, `spec.rules[${i}]`, defaultAction, failurePolicy, errors));
  if (errors.list.length > 0) return { ok: false, errors: errors.list };
  const annotations = (asRecord(doc.metadata?.annotations) ?? {}) as Record<string, string>;
  const controllers = autogenControllers(spec, rules, annotations[AUTOGEN_ANNOTATION]);
  for (const rule of rules) rule.autogen = controllers.length > 0 && matchesOnlyPods(rule.match);
  const value: ClusterPolicySpec = { name: name as string, rules, controllers, annotations, background: spec.background !== false };
  if (doc.kind === 'Policy') value.namespace = doc.metadata?.namespace ?? 'default';
  return { ok: true, value };
}

function readFailureAction(value: unknown, path: string, errors: FieldErrors): FailureAction | undefined {
  if (value === undefined || value === null) return undefined;
  const lower = typeof value === 'string' ? value.toLowerCase() : '';
  if (lower === 'audit') return 'Audit';
  if (lower === 'enforce') return 'Enforce';
  errors.add(path, 'must be Audit or Enforce');
  return undefined;
}

function parseRule(value: unknown, path: string, defaultAction: FailureAction, failurePolicy: FailurePolicy, errors: FieldErrors): ClusterPolicyRule {
  const raw = asRecord(value) ?? (errors.add(path, 'must be a mapping'), {});
  if (typeof raw.name !== 'string' || raw.name === '') errors.add(`${path}.name`, 'must be a non-empty string');
  const validate = asRecord(raw.validate);
  const rule: ClusterPolicyRule = {
    name: String(raw.name ?? ''),
    match: parseMatchBlock(raw.match, `${path}.match`, errors),
    exclude: parseMatchBlock(raw.exclude, `${path}.exclude`, errors),
    failureAction: readFailureAction(validate?.failureAction, `${path}.validate.failureAction`, errors) ?? defaultAction,
    autogen: false,
    path,
  };
  const unsupported = unsupportedFeatureOf(raw);
  if (unsupported) {
    rule.unsupported = unsupported;
    return rule;
  }
  const cel = asRecord(validate!.cel)!;
  const at = `${path}.validate.cel`;
  rule.cel = {
    program: {
      variables: readNamedExpressions(cel.variables, `${at}.variables`, errors, true),
      matchConditions: readNamedExpressions(raw.celPreconditions, `${path}.celPreconditions`, errors, false),
      validations: readValidations(cel.expressions, `${at}.expressions`, errors),
      auditAnnotations: readAuditAnnotations(cel.auditAnnotations, `${at}.auditAnnotations`, errors),
      failurePolicy,
    },
    paramKind: readParamKind(cel.paramKind, `${at}.paramKind`, errors),
  };
  if (typeof validate!.message === 'string') rule.cel.message = validate!.message;
  const paramRef = asRecord(cel.paramRef);
  if (paramRef) {
    rule.cel.paramRef = {
      parameterNotFoundAction: paramRef.parameterNotFoundAction === 'Allow' ? 'Allow' : 'Deny',
      ...(typeof paramRef.name === 'string' ? { name: paramRef.name } : {}),
      ...(typeof paramRef.namespace === 'string' && paramRef.namespace !== '' ? { namespace: paramRef.namespace } : {}),
    };
  }
  if (rule.cel.program.validations.length === 0) errors.add(`${at}.expressions`, 'at least one expression is required');
  return rule;
}

/**
 * Kyverno's CanAutoGen, policy-wide: no generate rule, no match/exclude narrowed by names, selectors or
 * annotations, no kinds list mixing Pod with other kinds, and some rule about pods. The annotation can restrict
 * the controllers or turn autogen off (`none`).
 */
function autogenControllers(spec: Record<string, unknown>, rules: ClusterPolicyRule[], annotation: string | undefined): string[] {
  const rawRules = spec.rules as Record<string, unknown>[];
  if (rawRules.some((r) => asRecord(r)?.generate !== undefined)) return [];
  let needed = false;
  for (const rule of rules) {
    for (const filter of [...rule.match.any, ...rule.match.all, ...rule.exclude.any, ...rule.exclude.all]) {
      const d = filter.resources;
      if (!d) continue;
      const kinds = d.kinds.map((k) => k.text);
      if (d.narrowsObjects || (kinds.length > 1 && kinds.includes('Pod'))) return [];
      if (kinds.some((k) => k === 'Pod' || CLUSTER_POLICY_CONTROLLERS.includes(k))) needed = true;
    }
  }
  if (!needed) return [];
  if (annotation === undefined || annotation === '') return [...CLUSTER_POLICY_CONTROLLERS];
  if (annotation === 'none') return [];
  const requested = annotation.split(',').map((s) => s.trim());
  return CLUSTER_POLICY_CONTROLLERS.filter((c) => requested.includes(c));
}

function matchesOnlyPods(block: MatchBlock): boolean {
  const filters = [...block.any, ...block.all];
  return filters.length > 0 && filters.every((f) => f.resources !== undefined && f.resources.kinds.length > 0 && f.resources.kinds.every((k) => k.text === 'Pod'));
}

interface CompiledRule {
  rule: ClusterPolicyRule;
  program?: CompiledPolicyProgram;
}

export interface ClusterPolicyOptions {
  lookup?: ObjectLookup;
}

/** Throws AggregateProgramError when an expression does not compile. */
export function createClusterPolicy(spec: ClusterPolicySpec, options: ClusterPolicyOptions = {}): Policy {
  const lookup = options.lookup ?? EMPTY_LOOKUP;
  const libraries = kyvernoLibraries(lookup);
  const compiled: CompiledRule[] = spec.rules.map((rule) => ({
    rule,
    program: rule.cel ? new CompiledPolicyProgram(rule.cel.program, { libraries }) : undefined,
  }));
  const severity = severityOf(spec.annotations);
  const rules: RuleInfo[] = spec.rules.flatMap((rule) => {
    const description = (rule.cel?.message ?? rule.cel?.program.validations[0]?.message ?? rule.unsupported ?? rule.name).trim().split('\n')[0]!;
    const names = [rule.name];
    if (rule.autogen) {
      if (spec.controllers.some((c) => c !== 'CronJob')) names.push(autogenRuleName(rule.name, 'Deployment'));
      if (spec.controllers.includes('CronJob')) names.push(autogenRuleName(rule.name, 'CronJob'));
    }
    return names.map((id) => ({ id, severity, description }));
  });

  return {
    name: spec.name,
    title: spec.annotations['policies.kyverno.io/title'] ?? `${spec.namespace === undefined ? 'ClusterPolicy' : 'Policy'} ${spec.name}`,
    rules,
    background: spec.background && !compiled.some(({ program }) => program?.readsRequester),
    evaluate(input: EvaluationInput): RuleOutcome[] {
      const { attrs, activation } = prepareInput(input, lookup);
      if (spec.namespace !== undefined && attrs.namespace !== spec.namespace) {
        return [{ rule: ANY_RULE, result: 'skip', message: `Policy ${spec.name} only applies in namespace ${spec.namespace}` }];
      }
      const roles = requesterRoles(input);
      const outcomes: RuleOutcome[] = [];
      for (const { rule, program } of compiled) {
        const target = ruleTarget(rule, spec.controllers, attrs, roles, activation);
        if (!target) continue;
        const properties = { failureAction: rule.failureAction };
        if (rule.unsupported) {
          outcomes.push({ rule: target.name, result: 'error', message: `rule ${rule.name} uses ${rule.unsupported}, which Gatehouse does not evaluate; not checked`,
            properties: { ...properties, unsupported: rule.unsupported } });
          continue;
        }
        outcomes.push(...evaluateRule(rule, program!, target, attrs, lookup).map((o) => ({ ...o, properties: { ...properties, ...o.properties } })));
      }
      if (outcomes.length === 0) {
        return [{ rule: ANY_RULE, result: 'skip', message: `no rule of ${spec.name} matches ${attrs.resource.kind} ${attrs.name}; the policy does not apply` }];
      }
      return outcomes;
    },
  };
}

function requesterRoles(input: EvaluationInput): RequesterRoles {
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);
  return { roles: strings(input.request?.roles), clusterRoles: strings(input.request?.clusterRoles) };
}

interface RuleTarget {
  name: string;
  /** The request's objects, or the pod template view of a controller for an autogen rule. */
  activation: CelActivation;
}

/** Which form of the rule judges this object: the rule itself, its autogen rule, or none. */
function ruleTarget(rule: ClusterPolicyRule, controllers: string[], attrs: AdmissionAttributes, roles: RequesterRoles, shared: CelActivation): RuleTarget | undefined {
  if (matchesBlock(rule.match, attrs, roles) && !excludedBy(rule.exclude, attrs, roles)) {
    return { name: rule.name, activation: shared };
  }
  // Kyverno's autogen rules match controller kinds in any version (e.g. batch/v1beta1 CronJobs).
  const { group, kind } = attrs.resource;
  if (!rule.autogen || !controllers.includes(kind) || (group !== 'apps' && group !== 'batch' && group !== '')) return undefined;
  // The autogen rule is the rule with its Pod kinds replaced by the controllers: match everything else as a Pod.
  const asPod: AdmissionAttributes = { ...attrs, resource: { ...attrs.resource, group: '', version: 'v1', kind: 'Pod', resource: 'pods' } };
  if (!matchesBlock(rule.match, asPod, roles) || excludedBy(rule.exclude, asPod, roles)) return undefined;
  const activation = shared.view(POD_TEMPLATE_VIEW, podTemplateView);
  return activation && { name: autogenRuleName(rule.name, kind), activation };
}

function evaluateRule(rule: ClusterPolicyRule, program: CompiledPolicyProgram, target: RuleTarget, attrs: AdmissionAttributes, lookup: ObjectLookup): RuleOutcome[] {
  const cel = rule.cel!;
  let paramsList: (KubeObject | null)[] = [null];
  if (cel.paramKind) {
    if (!cel.paramRef) return [{ rule: target.name, result: 'error', message: `rule ${rule.name} has a paramKind but no paramRef` }];
    const resolved = resolveParams(cel.paramKind, cel.paramRef, attrs, lookup);
    if (resolved.kind === 'not-found') {
      return [{ rule: target.name, result: cel.paramRef.parameterNotFoundAction === 'Allow' ? 'skip' : 'error', message: resolved.message }];
    }
    paramsList = resolved.params;
  }
  return paramsList.map((params) => ruleOutcome(target.name, program.evaluate(target.activation.withParams(params)), cel.message));
}

/** One outcome per rule, as Kyverno reports it: fail if any expression fails, error if one errors, else pass. */
function ruleOutcome(rule: string, result: ProgramResult, fallbackMessage: string | undefined): RuleOutcome {
  switch (result.kind) {
    case 'not-matched':
      return { rule, result: 'skip', message: `precondition "${result.condition}" is false; the rule does not apply` };
    case 'error':
      return { rule, result: 'error', message: result.message };
    case 'evaluated': {
      const failed = result.validations.filter((v) => v.status === 'fail');
      const errored = result.validations.filter((v) => v.status === 'error');
      if (failed.length > 0) {
        const messages = failed.map((v) => (v.message.startsWith('failed expression:') && fallbackMessage ? fallbackMessage.trim() : v.message));
        return { rule, result: 'fail', message: [...new Set(messages)].join('; '), properties: { violation: true } };
      }
      if (errored.length > 0) return { rule, result: 'error', message: errored.map((v) => v.message).join('; ') };
      return { rule, result: 'pass', message: `rule ${rule} passed` };
    }
  }
}
