// What a Pod Security Standards check is, modelled on Pod Security Admission's policy.Check: an ID, the level it
// belongs to, and one implementation per policy version it changed in.
import type { Severity } from '../result.js';
import { isWindowsPod, type PodView } from './pod.js';

export type PssLevel = 'baseline' | 'restricted';

/** A check's verdict on one pod. `reason` is short and always shown; `detail` names what was wrong. */
export interface CheckResult {
  readonly allowed: boolean;
  readonly reason?: string;
  readonly detail?: string;
}

export type CheckFn = (pod: PodView) => CheckResult;

export interface VersionedCheck {
  /** First policy version (the minor of v1.N) this implementation applies to. */
  readonly minVersion: number;
  readonly check: CheckFn;
  /** Baseline check IDs this restricted implementation replaces at the restricted level. */
  readonly overrides?: readonly string[];
}

export interface PssCheck {
  readonly id: string;
  readonly level: PssLevel;
  readonly severity: Severity;
  /** One line: what the check forbids and why. */
  readonly description: string;
  readonly remediation: string;
  /** Strictly increasing by minVersion. */
  readonly versions: readonly VersionedCheck[];
}

export const ALLOWED: CheckResult = Object.freeze({ allowed: true });

export function forbidden(reason: string, detail = ''): CheckResult {
  return { allowed: false, reason, detail };
}

/** The check with Windows pods exempt, as several restricted checks are from v1.25 (Linux-only mechanisms). */
export function exemptingWindowsPods(check: CheckFn): CheckFn {
  return (pod) => (isWindowsPod(pod) ? ALLOWED : check(pod));
}
