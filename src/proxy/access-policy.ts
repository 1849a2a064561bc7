// Access conditions (context-aware authorization in front of RBAC): CEL rules over who is asking, with which token,
// for what, from where and when. A policy applies when all of its `matchConditions` are true; an applicable
// policy allows the request only when every one of its `validations` is true. Any evaluation error denies (fail
// closed), naming the policy and condition.
//
// CEL variables:
//   user             the mapped Kubernetes user: username, uid, groups, extra
//   claims           the token's verified claims
//   request          verb, resource, subresource, name, namespace, apiGroup, apiVersion, path, sourceIP,
//                    userAgent, headers (only the configured request headers, lower-case names)
//   namespaceObject  the request's Namespace (metadata.labels, …) as the upstream has it; null when the request
//                    is cluster-scoped or the namespace does not exist
//   now              the time of the request (timestamp; `now.getHours('Europe/Berlin')`)
import { CelEnvironment, type CelProgram } from '../cel/index.js';
import type { KubeObject } from '../kube/object.js';
import type { UserInfo } from '../policy/policy.js';

export interface AccessCondition {
  name: string;
  expression: string;
  /** Shown to the client when the condition fails. */
  message?: string;
}

export interface AccessPolicySpec {
  name: string;
  matchConditions: AccessCondition[];
  validations: AccessCondition[];
}

export interface AccessRequest {
  verb: string;
  resource: string;
  subresource: string;
  name: string;
  namespace: string;
  apiGroup: string;
  apiVersion: string;
  path: string;
  sourceIP: string;
  userAgent: string;
  headers: Record<string, string>;
}

export interface AccessInput {
  user: UserInfo;
  claims: Readonly<Record<string, unknown>>;
  request: AccessRequest;
  namespaceObject: KubeObject | null;
  now: Date;
}

export type AccessDecision =
  | { allowed: true; reason: string }
  | { allowed: false; policy: string; condition: string; reason: string };

export interface AccessPolicySet {
  readonly policies: readonly AccessPolicySpec[];
  /** Some expression reads `namespaceObject`, so namespaced requests need the namespace fetched. */
  readonly needsNamespace: boolean;
  evaluate(input: AccessInput): AccessDecision;
}

/** The decision when no policy is configured or none applies. */
export const NO_POLICY_APPLIES: AccessDecision = { allowed: true, reason: 'no access policy applies' };

const VARIABLES = { user: 'map', claims: 'map', request: 'map', namespaceObject: 'dyn', now: 'google.protobuf.Timestamp' };

interface CompiledCondition extends AccessCondition {
  program: CelProgram;
}

interface CompiledPolicy {
  name: string;
  matchConditions: CompiledCondition[];
  validations: CompiledCondition[];
}

export class AccessPolicyError extends Error {
  override name = 'AccessPolicyError';
}

/** Compiles every expression; a compile error names the field path, e.g. `access.policies[1].validations[0].expression`. */
export function compileAccessPolicies(specs: readonly AccessPolicySpec[], path = 'access.policies'): AccessPolicySet {
  const env = new CelEnvironment({ variables: VARIABLES });
  const compile = (condition: AccessCondition, field: string): CompiledCondition => {
    try {
      const program = env.compile(condition.expression);
      if (program.resultType !== 'bool' && program.resultType !== 'dyn') {
        throw new AccessPolicyError(`${field}.expression: must evaluate to bool, not ${program.resultType}`);
      }
      return { ...condition, program };
    } catch (err) {
      if (err instanceof AccessPolicyError) throw err;
      throw new AccessPolicyError(`${field}.expression: ${(err as Error).message}`);
    }
  };
  const compiled: CompiledPolicy[] = specs.map((spec, i) => ({
    name: spec.name,
    matchConditions: spec.matchConditions.map((c, j) => compile(c, `${path}[${i}].matchConditions[${j}]`)),
    validations: spec.validations.map((c, j) => compile(c, `${path}[${i}].validations[${j}]`)),
  }));
  const needsNamespace = specs.some((s) => [...s.matchConditions, ...s.validations].some((c) => /\bnamespaceObject\b/.test(c.expression)));

  const check = (condition: CompiledCondition, activation: Record<string, unknown>): { ok: boolean; error?: string } => {
    try {
      const value = condition.program.evaluate(activation);
      if (typeof value !== 'boolean') return { ok: false, error: `did not evaluate to a bool` };
      return { ok: value };
    } catch (err) {
      return { ok: false, error: (err as Error).message.split('\n', 1)[0] };
    }
  };

  return {
    policies: specs,
    needsNamespace,
    evaluate(input) {
      const activation = { user: input.user, claims: input.claims, request: input.request, namespaceObject: input.namespaceObject, now: input.now };
      const applied: string[] = [];
      for (const policy of compiled) {
        let applies = true;
        for (const condition of policy.matchConditions) {
          const result = check(condition, activation);
          if (result.error) {
            return { allowed: false, policy: policy.name, condition: condition.name, reason: `access policy "${policy.name}": match condition "${condition.name}" could not be evaluated: ${result.error}` };
          }
          if (!result.ok) {
            applies = false;
            break;
          }
        }
        if (!applies) continue;
        for (const condition of policy.validations) {
          const result = check(condition, activation);
          if (!result.ok) {
            const detail = result.error ? `could not be evaluated: ${result.error}` : (condition.message ?? `failed: ${condition.expression}`);
            return { allowed: false, policy: policy.name, condition: condition.name, reason: `access policy "${policy.name}", condition "${condition.name}": ${detail}` };
          }
        }
        applied.push(policy.name);
      }
      return applied.length ? { allowed: true, reason: `access policies passed: ${applied.join(', ')}` } : NO_POLICY_APPLIES;
    },
  };
}
