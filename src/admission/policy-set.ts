// The policies one admission decision runs against, compiled together and swapped as a whole: a request is judged
// by one consistent set, never by half of an old set and half of a new one.
import type { Policy } from '../policy/policy.js';
import { PolicyEngine, type ExemptionMode } from '../policy/engine.js';
import { guardPolicy, type PolicyObserver } from './deadline.js';

export interface PolicySet {
  /** Every policy: Pod Security Standards, built-in rules and the policy files. */
  readonly all: PolicyEngine;
  /**
   * Only the policy files' policies. They carry their own match rules (operations, resources, selectors), so they
   * also judge DELETEs and updates that leave the pod spec alone, which the object-content policies do not.
   */
  readonly declared: PolicyEngine;
  /** The policies a background audit of stored objects runs: all but those about the request (Policy.background). */
  readonly background: PolicyEngine;
  /** Names of the policies the background audit skips, for its summary. */
  readonly requestOnly: readonly string[];
  /** `restricted:latest` for each Pod Security Standards policy, by policy name, for PSA-worded messages. */
  readonly podSecurity: ReadonlyMap<string, string>;
  readonly size: number;
}

export interface PolicySetParts {
  /** Pod Security Standards policies with their `level:version`. */
  podSecurity: { policy: Policy; level: string }[];
  builtin: Policy[];
  declared: Policy[];
}

/**
 * `exemptions` says whose `gatehouse.dev/exempt` annotations count: at admission the requester writes them, so only
 * trusted requesters' (see exemptionsFrom); at rest (audit) every stored object's.
 */
export function createPolicySet(parts: PolicySetParts, observe: PolicyObserver, exemptions: ExemptionMode = 'honor'): PolicySet {
  const names = new Set<string>();
  const guard = (policy: Policy): Policy => {
    if (names.has(policy.name)) throw new Error(`two policies are named "${policy.name}"; policy names must be unique`);
    names.add(policy.name);
    return guardPolicy(policy, observe);
  };
  const podSecurity = parts.podSecurity.map(({ policy }) => guard(policy));
  const builtin = parts.builtin.map(guard);
  const declared = parts.declared.map(guard);
  const all = [...podSecurity, ...builtin, ...declared];
  return {
    all: new PolicyEngine(all, {}, { exemptions }),
    declared: new PolicyEngine(declared, {}, { exemptions }),
    background: new PolicyEngine(all.filter((policy) => policy.background !== false), {}, { exemptions }),
    requestOnly: all.filter((policy) => policy.background === false).map((policy) => policy.name),
    podSecurity: new Map(parts.podSecurity.map(({ policy, level }) => [policy.name, level])),
    size: names.size,
  };
}

/** Exemptions count only in requests from members of `groups`. */
export function exemptionsFrom(groups: ReadonlySet<string>): ExemptionMode {
  return groups.size === 0 ? 'ignore' : (input) => input.userInfo?.groups?.some((group) => groups.has(group)) === true;
}
