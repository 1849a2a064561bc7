// A ValidatingAdmissionPolicy with its bindings, compiled once into a Policy. Offline, params and namespaces come
// from an ObjectLookup over the scanned inputs. A policy without any binding is evaluated as if bound with
// validationActions [Deny], so that scanning a policy on its own shows what it would reject.
import { formatRef, refOf, type KubeObject } from '../../kube/object.js';
import { matchesResources } from '../../kube/matching/match-resources.js';
import { EMPTY_LOOKUP, type ObjectLookup } from '../../kube/matching/object-index.js';
import type { EvaluationInput, Policy, RuleInfo, RuleOutcome } from '../policy.js';
import { prepareInput } from './activation.js';
import { ANY_RULE, OutsideMatch, outcomesOf } from './outcomes.js';
import type { ValidationAction, VapBindingSpec, VapSpec } from './parse.js';
import { resolveParams } from './params.js';
import { CompiledPolicyProgram } from './program.js';

const IMPLICIT_BINDING: Omit<VapBindingSpec, 'policyName'> = { name: '', validationActions: ['Deny'] };

const ruleIds = new Map<string, string>();

/** `spec.validations[2]` → `validations[2]`: the rule ID of a validation. */
export function validationRuleId(path: string): string {
  let id = ruleIds.get(path);
  if (id === undefined) {
    const at = path.indexOf('validations[');
    ruleIds.set(path, (id = at < 0 ? path : path.slice(at, path.indexOf(']', at) + 1)));
  }
  return id;
}

export function validationRules(spec: { program: VapSpec['program'] }, severity: RuleInfo['severity'] = 'medium'): RuleInfo[] {
  return spec.program.validations.map((v) => ({
    id: validationRuleId(v.path),
    severity,
    description: (v.message ?? v.expression).trim().split('\n')[0]!,
  }));
}

export interface VapPolicyOptions {
  bindings?: readonly VapBindingSpec[];
  lookup?: ObjectLookup;
}

/** Throws AggregateProgramError when an expression does not compile. */
export function createValidatingAdmissionPolicy(spec: VapSpec, options: VapPolicyOptions = {}): Policy {
  const program = new CompiledPolicyProgram(spec.program);
  const lookup = options.lookup ?? EMPTY_LOOKUP;
  const bindings = options.bindings && options.bindings.length > 0 ? options.bindings : [{ ...IMPLICIT_BINDING, policyName: spec.name }];
  const rules = validationRules(spec);
  const outside = new OutsideMatch(spec.name);

  return {
    name: spec.name,
    title: `ValidatingAdmissionPolicy ${spec.name}`,
    rules,
    background: !program.readsRequester,
    evaluate(input: EvaluationInput): readonly RuleOutcome[] {
      const { attrs, activation } = prepareInput(input, lookup);
      if (!matchesResources(spec.matchConstraints, attrs)) return outside.outcomes(attrs.resource.kind);
      const outcomes: RuleOutcome[] = [];
      for (const binding of bindings) {
        if (binding.matchResources && !matchesResources(binding.matchResources, attrs)) continue;
        const label = binding.name ? `binding ${binding.name}` : 'no binding';
        let paramsList: (KubeObject | null)[] = [null];
        if (spec.paramKind) {
          if (!binding.paramRef) {
            outcomes.push({ rule: ANY_RULE, result: 'error', message: `${label}: the policy has a paramKind but the binding has no paramRef` });
            continue;
          }
          const resolved = resolveParams(spec.paramKind, binding.paramRef, attrs, lookup);
          if (resolved.kind === 'not-found') {
            outcomes.push(binding.paramRef.parameterNotFoundAction === 'Allow'
              ? { rule: ANY_RULE, result: 'skip', message: `${label}: ${resolved.message} (parameterNotFoundAction Allow)` }
              : { rule: ANY_RULE, result: 'error', message: `${label}: ${resolved.message} (parameterNotFoundAction Deny)` });
            continue;
          }
          paramsList = resolved.params;
        }
        for (const params of paramsList) {
          const result = program.evaluate(activation.withParams(params));
          outcomes.push(...outcomesOf(result, {
            ...actionStyle(binding.validationActions),
            ruleOf: validationRuleId,
            properties: {
              validationActions: binding.validationActions,
              ...(binding.name ? { binding: binding.name } : {}),
              ...(params ? { params: formatRef(refOf(params)) } : {}),
            },
          }));
        }
      }
      if (outcomes.length === 0) {
        return [{ rule: ANY_RULE, result: 'skip', message: `no binding of ${spec.name} matches ${attrs.resource.kind} ${attrs.name}; the policy does not apply` }];
      }
      return outcomes;
    },
  };
}

/**
 * Deny rejects the request: a `fail`. Warn returns a warning: a `warn`. Audit only records an audit annotation:
 * also a `warn` (it is a violation a reviewer should see, but nothing is blocked), marked `audit:` in the message.
 */
function actionStyle(actions: readonly ValidationAction[]): { violation: 'fail' | 'warn'; violationPrefix?: string } {
  if (actions.includes('Deny')) return { violation: 'fail' };
  if (actions.includes('Warn')) return { violation: 'warn' };
  return { violation: 'warn', violationPrefix: 'audit: ' };
}
