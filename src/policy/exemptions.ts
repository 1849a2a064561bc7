// Per-object exemptions: `gatehouse.dev/exempt` names rules, `gatehouse.dev/justification` says why (seed 003:
// access with a justification). An exemption without a justification exempts nothing and is a finding itself.
import type { KubeObject } from '../kube/object.js';

export const EXEMPT_ANNOTATION = 'gatehouse.dev/exempt';
export const JUSTIFICATION_ANNOTATION = 'gatehouse.dev/justification';
export const EXEMPTIONS_POLICY = 'gatehouse-exemptions';
export const MISSING_JUSTIFICATION_RULE = 'exemption-requires-justification';
export const UNKNOWN_RULE_RULE = 'exemption-names-unknown-rule';

export interface Exemption {
  /** Entries as written: a rule ID, `policy/rule`, or a policy name (all its rules). */
  entries: string[];
  justification?: string;
}

export function exemptionOf(object: KubeObject): Exemption | undefined {
  const annotations = object.metadata?.annotations;
  const raw = annotations?.[EXEMPT_ANNOTATION];
  if (typeof raw !== 'string') return undefined;
  const entries = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (entries.length === 0) return undefined;
  const justification = annotations?.[JUSTIFICATION_ANNOTATION];
  return { entries, justification: typeof justification === 'string' && justification.trim() !== '' ? justification.trim() : undefined };
}

export function exemptionCovers(exemption: Exemption, policy: string, rule: string): boolean {
  return exemption.entries.some((e) => e === rule || e === policy || e === `${policy}/${rule}`);
}
