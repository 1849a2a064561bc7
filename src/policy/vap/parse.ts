// Reads admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding documents
// into typed specs. Every problem names the field path; nothing is compiled here.
import type { KubeObject } from '../../kube/object.js';
import { asRecord } from '../../kube/pod-template.js';
import { parseLabelSelector, type LabelSelector } from '../../kube/matching/label-selector.js';
import { parseMatchResources, type MatchResources } from '../../kube/matching/match-resources.js';
import {
  FieldErrors, readAuditAnnotations, readFailurePolicy, readNamedExpressions, readParamKind, readValidations,
  type ParamKind, type ProgramSpec,
} from './program-spec.js';

export const VAP_API_GROUP = 'admissionregistration.k8s.io';
export const VAP_KIND = 'ValidatingAdmissionPolicy';
export const VAP_BINDING_KIND = 'ValidatingAdmissionPolicyBinding';

export interface VapSpec {
  name: string;
  paramKind?: ParamKind;
  matchConstraints: MatchResources;
  program: ProgramSpec;
}

export type ValidationAction = 'Deny' | 'Warn' | 'Audit';

export interface ParamRef {
  name?: string;
  namespace?: string;
  selector?: LabelSelector;
  parameterNotFoundAction: 'Allow' | 'Deny';
}

export interface VapBindingSpec {
  name: string;
  policyName: string;
  paramRef?: ParamRef;
  matchResources?: MatchResources;
  validationActions: ValidationAction[];
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: string[] };

function nameOf(doc: KubeObject, errors: FieldErrors): string {
  const name = doc.metadata?.name;
  if (typeof name !== 'string' || name === '') errors.add('metadata.name', 'must be a non-empty string');
  return typeof name === 'string' ? name : '';
}

export function parseVap(doc: KubeObject): Parsed<VapSpec> {
  const errors = new FieldErrors();
  const name = nameOf(doc, errors);
  const spec = asRecord(doc.spec);
  if (!spec) return { ok: false, errors: ['spec: must be a mapping'] };
  const match = parseMatchResources(spec.matchConstraints, 'spec.matchConstraints');
  for (const e of match.errors) errors.list.push(e);
  if (spec.matchConstraints === undefined || match.match?.resourceRules.length === 0) {
    errors.add('spec.matchConstraints.resourceRules', 'is required');
  }
  const validations = readValidations(spec.validations, 'spec.validations', errors);
  const auditAnnotations = readAuditAnnotations(spec.auditAnnotations, 'spec.auditAnnotations', errors);
  if (validations.length === 0 && auditAnnotations.length === 0) errors.add('spec.validations', 'at least one validation or audit annotation is required');
  const program: ProgramSpec = {
    variables: readNamedExpressions(spec.variables, 'spec.variables', errors, true),
    matchConditions: readNamedExpressions(spec.matchConditions, 'spec.matchConditions', errors, false),
    validations,
    auditAnnotations,
    failurePolicy: readFailurePolicy(spec.failurePolicy, 'spec.failurePolicy', errors),
  };
  const paramKind = readParamKind(spec.paramKind, 'spec.paramKind', errors);
  if (errors.list.length > 0) return { ok: false, errors: errors.list };
  return { ok: true, value: { name, paramKind, matchConstraints: match.match!, program } };
}

const ACTIONS: ReadonlySet<string> = new Set(['Deny', 'Warn', 'Audit']);

export function parseVapBinding(doc: KubeObject): Parsed<VapBindingSpec> {
  const errors = new FieldErrors();
  const name = nameOf(doc, errors);
  const spec = asRecord(doc.spec);
  if (!spec) return { ok: false, errors: ['spec: must be a mapping'] };
  if (typeof spec.policyName !== 'string' || spec.policyName === '') errors.add('spec.policyName', 'must be a non-empty string');
  const actions = spec.validationActions;
  const validationActions: ValidationAction[] = [];
  if (!Array.isArray(actions) || actions.length === 0) errors.add('spec.validationActions', 'must list at least one of Deny, Warn, Audit');
  else actions.forEach((a: unknown, i: number) => {
    if (typeof a !== 'string' || !ACTIONS.has(a)) errors.add(`spec.validationActions[${i}]`, 'must be Deny, Warn or Audit');
    else if (validationActions.includes(a as ValidationAction)) errors.add(`spec.validationActions[${i}]`, `duplicate action ${a}`);
    else validationActions.push(a as ValidationAction);
  });
  if (validationActions.includes('Deny') && validationActions.includes('Warn')) errors.add('spec.validationActions', 'Deny and Warn may not be used together');
  let matchResources: MatchResources | undefined;
  if (spec.matchResources !== undefined && spec.matchResources !== null) {
    const match = parseMatchResources(spec.matchResources, 'spec.matchResources');
    for (const e of match.errors) errors.list.push(e);
    matchResources = match.match;
  }
  const paramRef = readParamRef(spec.paramRef, errors);
  if (errors.list.length > 0) return { ok: false, errors: errors.list };
  return { ok: true, value: { name, policyName: spec.policyName as string, paramRef, matchResources, validationActions } };
}

function readParamRef(value: unknown, errors: FieldErrors): ParamRef | undefined {
  if (value === undefined || value === null) return undefined;
  const raw = asRecord(value);
  if (!raw) return void errors.add('spec.paramRef', 'must be a mapping'), undefined;
  const ref: ParamRef = { parameterNotFoundAction: 'Deny' };
  if (raw.name !== undefined) {
    if (typeof raw.name !== 'string' || raw.name === '') errors.add('spec.paramRef.name', 'must be a non-empty string');
    else ref.name = raw.name;
  }
  if (raw.namespace !== undefined) {
    if (typeof raw.namespace !== 'string') errors.add('spec.paramRef.namespace', 'must be a string');
    else if (raw.namespace !== '') ref.namespace = raw.namespace;
  }
  if (raw.selector !== undefined && raw.selector !== null) {
    const selector = parseLabelSelector(raw.selector, 'spec.paramRef.selector');
    for (const e of selector.errors) errors.list.push(e);
    ref.selector = selector.selector;
  }
  if ((ref.name === undefined) === (ref.selector === undefined)) errors.add('spec.paramRef', 'exactly one of name or selector must be set');
  const action = raw.parameterNotFoundAction;
  if (action !== undefined && action !== 'Allow' && action !== 'Deny') errors.add('spec.paramRef.parameterNotFoundAction', 'must be Allow or Deny');
  if (action === 'Allow') ref.parameterNotFoundAction = 'Allow';
  return ref;
}
