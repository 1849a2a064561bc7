// The CEL parts that ValidatingAdmissionPolicy, Kyverno's ValidatingPolicy and Kyverno's `validate.cel` rules share:
// variables, match conditions, validations and audit annotations, read from a policy document with the field path
// of every expression kept for error messages.
import { asRecord } from '../../kube/pod-template.js';

export interface NamedExpression {
  name: string;
  expression: string;
  /** Field path in the policy, e.g. `spec.variables[1]`. */
  path: string;
}

export interface ValidationSpec {
  expression: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
  path: string;
}

export interface AuditAnnotationSpec {
  key: string;
  valueExpression: string;
  path: string;
}

export type FailurePolicy = 'Fail' | 'Ignore';

export interface ProgramSpec {
  variables: NamedExpression[];
  matchConditions: NamedExpression[];
  validations: ValidationSpec[];
  auditAnnotations: AuditAnnotationSpec[];
  failurePolicy: FailurePolicy;
}

export interface ParamKind {
  apiVersion: string;
  kind: string;
}

/** Collects field errors as `path: problem` while reading a document. */
export class FieldErrors {
  readonly list: string[] = [];
  add(path: string, problem: string): void {
    this.list.push(`${path}: ${problem}`);
  }
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function readNamedExpressions(value: unknown, path: string, errors: FieldErrors, identifierNames: boolean): NamedExpression[] {
  const seen = new Set<string>();
  return readList(value, path, errors).flatMap(([item, at]) => {
    const name = item.name;
    const expression = item.expression;
    if (typeof name !== 'string' || name === '') return void errors.add(`${at}.name`, 'must be a non-empty string'), [];
    if (identifierNames && !NAME.test(name)) return void errors.add(`${at}.name`, `"${name}" is not a valid CEL identifier`), [];
    // `constructor` would shadow what the CEL evaluator tells the type of `variables` by.
    if (identifierNames && name === 'constructor') return void errors.add(`${at}.name`, '"constructor" is reserved'), [];
    if (seen.has(name)) return void errors.add(`${at}.name`, `duplicate name "${name}"`), [];
    seen.add(name);
    if (typeof expression !== 'string' || expression.trim() === '') return void errors.add(`${at}.expression`, 'must be a non-empty string'), [];
    return [{ name, expression, path: at }];
  });
}

export function readValidations(value: unknown, path: string, errors: FieldErrors): ValidationSpec[] {
  return readList(value, path, errors).flatMap(([item, at]) => {
    if (typeof item.expression !== 'string' || item.expression.trim() === '') return void errors.add(`${at}.expression`, 'must be a non-empty string'), [];
    const spec: ValidationSpec = { expression: item.expression, path: at };
    for (const key of ['message', 'messageExpression', 'reason'] as const) {
      const v = item[key];
      if (v === undefined || v === null) continue;
      if (typeof v !== 'string') errors.add(`${at}.${key}`, 'must be a string');
      else spec[key] = v;
    }
    return [spec];
  });
}

export function readAuditAnnotations(value: unknown, path: string, errors: FieldErrors): AuditAnnotationSpec[] {
  return readList(value, path, errors).flatMap(([item, at]) => {
    if (typeof item.key !== 'string' || item.key === '') return void errors.add(`${at}.key`, 'must be a non-empty string'), [];
    if (typeof item.valueExpression !== 'string' || item.valueExpression === '') return void errors.add(`${at}.valueExpression`, 'must be a non-empty string'), [];
    return [{ key: item.key, valueExpression: item.valueExpression, path: at }];
  });
}

export function readFailurePolicy(value: unknown, path: string, errors: FieldErrors): FailurePolicy {
  if (value === undefined || value === null) return 'Fail';
  if (value !== 'Fail' && value !== 'Ignore') errors.add(path, 'must be Fail or Ignore');
  return value === 'Ignore' ? 'Ignore' : 'Fail';
}

export function readParamKind(value: unknown, path: string, errors: FieldErrors): ParamKind | undefined {
  if (value === undefined || value === null) return undefined;
  const raw = asRecord(value);
  if (!raw || typeof raw.apiVersion !== 'string' || typeof raw.kind !== 'string' || raw.kind === '') {
    errors.add(path, 'must have apiVersion and kind');
    return undefined;
  }
  return { apiVersion: raw.apiVersion, kind: raw.kind };
}

/** The mappings of a list field with their paths; reports a non-list or non-mapping item. */
export function readList(value: unknown, path: string, errors: FieldErrors): [Record<string, unknown>, string][] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    errors.add(path, 'must be a list');
    return [];
  }
  const out: [Record<string, unknown>, string][] = [];
  value.forEach((item: unknown, i: number) => {
    const record = asRecord(item);
    if (record) out.push([record, `${path}[${i}]`]);
    else errors.add(`${path}[${i}]`, 'must be a mapping');
  });
  return out;
}
