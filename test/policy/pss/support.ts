// Builders for pods that pass the restricted level, so each check's tests change only the field under test.
import { PSS_CHECKS } from '../../../src/policy/pss/checks/index.js';
import { evaluatePodSecurity, type PssCheckResult } from '../../../src/policy/pss/evaluate.js';
import type { PssVersion } from '../../../src/policy/pss/version.js';

export type Obj = Record<string, unknown>;

/** A container that satisfies every restricted check when the pod sets runAsNonRoot and seccomp. */
export function container(name: string, securityContext: Obj = {}, extra: Obj = {}): Obj {
  return {
    name,
    image: 'registry.example/app@sha256:0000',
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, ...securityContext },
    ...extra,
  };
}

/** A pod spec allowed at restricted:latest; `extra` replaces top-level spec fields. */
export function spec(extra: Obj = {}): Obj {
  return {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    initContainers: [container('init')],
    containers: [container('app')],
    ...extra,
  };
}

/**
 * The verdict of check `id` at its own level and `version`, or undefined when the check is not in force there.
 * Baseline checks are read at the baseline level, where no restricted check overrides them.
 */
export function verdict(id: string, version: PssVersion, podSpec: Obj, metadata: Obj = {}): PssCheckResult | undefined {
  const level = PSS_CHECKS.find((c) => c.id === id)?.level;
  if (!level) throw new Error(`no check ${id}`);
  return evaluatePodSecurity({ level, version }, metadata, podSpec).find((r) => r.id === id);
}

/** `reason (detail)` when forbidden, `allowed` when allowed, `absent` when the check is not in force. */
export function outcome(id: string, version: PssVersion, podSpec: Obj, metadata: Obj = {}): string {
  const v = verdict(id, version, podSpec, metadata);
  if (!v) return 'absent';
  return v.allowed ? 'allowed' : v.detail ? `${v.reason} (${v.detail})` : `${v.reason}`;
}
