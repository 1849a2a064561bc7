// The hot path: a pod's metadata and spec in, one verdict per check out. Pure, and allocation-light when the pod
// is allowed (allowed verdicts are shared constants).
import { PSS_CHECKS } from './checks/index.js';
import type { PssLevel } from './check.js';
import { podView } from './pod.js';
import { PssRegistry, type ActiveCheck } from './registry.js';
import { parseVersionMinor, type PssVersion } from './version.js';

export interface PssSelector {
  readonly level: PssLevel;
  readonly version: PssVersion;
}

export interface PssCheckResult {
  /** PSA's check ID, e.g. `hostPathVolumes`. */
  readonly id: string;
  readonly allowed: boolean;
  /** Set when not allowed: PSA's forbiddenReason, e.g. `hostPath volumes`. */
  readonly reason?: string;
  /** Set when not allowed and PSA names what was wrong, e.g. `volume "data"`. */
  readonly detail?: string;
}

export const PSS_REGISTRY = new PssRegistry(PSS_CHECKS);

const allowedVerdicts = new Map<string, PssCheckResult>(PSS_CHECKS.map((c) => [c.id, Object.freeze({ id: c.id, allowed: true })]));

/** `latest`, and versions newer than any check knows, mean the newest version any check changed in. */
function minorOf(version: PssVersion): number {
  return version === 'latest' ? PSS_REGISTRY.maxMinor : parseVersionMinor(version) ?? PSS_REGISTRY.maxMinor;
}

export function activeChecks(selector: PssSelector): readonly ActiveCheck[] {
  return PSS_REGISTRY.checksAt(selector.level, minorOf(selector.version));
}

/** Runs every check of the selected level and version against a pod's metadata and spec. */
export function evaluatePodSecurity(selector: PssSelector, metadata: unknown, spec: unknown): PssCheckResult[] {
  const pod = podView(metadata, spec);
  const checks = activeChecks(selector);
  const results = new Array<PssCheckResult>(checks.length);
  for (let i = 0; i < checks.length; i++) {
    const { info, check } = checks[i]!;
    const verdict = check(pod);
    results[i] = verdict.allowed
      ? allowedVerdicts.get(info.id)!
      : { id: info.id, allowed: false, reason: verdict.reason || 'unknown forbidden reason', detail: verdict.detail || undefined };
  }
  return results;
}

/** `hostPath volumes (volume "data")`: one forbidden verdict as PSA words it. */
export function formatForbidden(result: PssCheckResult): string {
  return result.detail ? `${result.reason} (${result.detail})` : result.reason ?? '';
}

/** Every forbidden verdict joined as PSA's admission message does: `privileged (…), hostPort (…)`. */
export function forbiddenSummary(results: readonly PssCheckResult[]): string {
  return results.filter((r) => !r.allowed).map(formatForbidden).join(', ');
}
