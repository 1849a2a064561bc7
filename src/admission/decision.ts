// From policy results to an admission decision: every violated rule is named in the denial (Pod Security Standards
// in Pod Security Admission's wording), warn results become warnings, and the outcome is summarised in audit
// annotations. Everything sent back is bounded: one pod with 10,000 failing containers still yields a short answer.
import type { PolicyResult } from '../policy/result.js';
import type { AdmissionStatus } from './review.js';

export interface AdmissionDecision {
  allowed: boolean;
  status?: AdmissionStatus;
  warnings: string[];
  auditAnnotations: Record<string, string>;
}

export interface DecisionContext {
  /** How the API server names the object in errors: `pods "web"`, `deployments.apps "api"`. */
  subject: string;
  /** `restricted:latest` for policies that enforce a Pod Security Standards level, keyed by policy name. */
  podSecurity: ReadonlyMap<string, string>;
}

/** API server limits: single warnings over 256 characters may be truncated, and all warnings past 4 KiB dropped. */
const MAX_WARNING_CHARS = 256;
const MAX_WARNINGS_TOTAL_CHARS = 4096;
/** Bounds of a denial message and of each item in it. */
const MAX_MESSAGE_CHARS = 8192;
const MAX_ITEM_CHARS = 1024;
const MAX_ANNOTATION_CHARS = 1024;

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** `pods "web"`, `deployments.apps "api"` — the subject of the API server's `… is forbidden` errors. */
export function subjectOf(resource: { group: string; resource: string }, name: string): string {
  return `${resource.group ? `${resource.resource}.${resource.group}` : resource.resource} "${name}"`;
}

/**
 * Joins items with `separator` until `max` characters, then says how many were left out, so the reader knows
 * the list is incomplete.
 */
function boundedJoin(items: readonly string[], separator: string, max: number): string {
  let out = '';
  for (let i = 0; i < items.length; i++) {
    const item = truncate(items[i]!, MAX_ITEM_CHARS);
    const next = out === '' ? item : `${out}${separator}${item}`;
    const rest = items.length - i;
    if (next.length > max) return `${out}${separator}and ${rest} more`;
    out = next;
  }
  return out;
}

/** One line per policy: PSS results grouped in PSA's wording, other rules as `policy/rule: message`. */
function describe(results: readonly PolicyResult[], context: DecisionContext, pssVerb: string): string[] {
  const lines: string[] = [];
  const pss = new Map<string, string[]>();
  for (const r of results) {
    const level = context.podSecurity.get(r.policy);
    if (level === undefined) {
      lines.push(`${r.policy}/${r.rule}: ${r.message}`);
      continue;
    }
    const details = pss.get(level) ?? [];
    details.push(r.message);
    pss.set(level, details);
  }
  const pssLines = [...pss].map(([level, details]) => `${pssVerb} PodSecurity "${level}": ${boundedJoin(details, ', ', MAX_MESSAGE_CHARS)}`);
  return [...pssLines, ...lines];
}

function warningsOf(results: readonly PolicyResult[], context: DecisionContext): string[] {
  const out: string[] = [];
  let total = 0;
  const lines = describe(results, context, 'would violate');
  for (let i = 0; i < lines.length; i++) {
    const warning = truncate(lines[i]!, MAX_WARNING_CHARS);
    if (total + warning.length > MAX_WARNINGS_TOTAL_CHARS - 64) {
      out.push(`and ${lines.length - i} more warnings from Gatehouse`);
      break;
    }
    out.push(warning);
    total += warning.length;
  }
  return out;
}

/** The API server prefixes each key with the webhook's name and `/`, so a key must be a qualified name's name part. */
const ANNOTATION_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** Audit annotations that policies produced (ValidatingAdmissionPolicy `auditAnnotations`), as `policy.key`. */
function policyAnnotations(results: readonly PolicyResult[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of results) {
    const annotations = r.properties?.auditAnnotations;
    if (typeof annotations !== 'object' || annotations === null) continue;
    for (const [key, value] of Object.entries(annotations as Record<string, unknown>)) {
      const qualified = `${r.policy}.${key}`;
      const name = ANNOTATION_NAME.test(qualified) ? qualified : key;
      if (typeof value === 'string' && ANNOTATION_NAME.test(name)) out[name] = truncate(value, MAX_ANNOTATION_CHARS);
    }
  }
  return out;
}

/** The decision for results that evaluated cleanly (no `error` results; those go to the failure policy). */
export function decide(results: readonly PolicyResult[], context: DecisionContext): AdmissionDecision {
  const violations = results.filter((r) => r.result === 'fail');
  const warned = results.filter((r) => r.result === 'warn');
  const warnings = warningsOf(warned, context);
  const auditAnnotations = policyAnnotations(results);
  if (warned.length > 0) auditAnnotations.warnings = truncate(warned.map((r) => `${r.policy}/${r.rule}`).join(','), MAX_ANNOTATION_CHARS);
  if (violations.length === 0) {
    auditAnnotations.decision = 'allowed';
    return { allowed: true, warnings, auditAnnotations };
  }
  auditAnnotations.decision = 'denied';
  auditAnnotations.violations = truncate([...new Set(violations.map((r) => `${r.policy}/${r.rule}`))].join(','), MAX_ANNOTATION_CHARS);
  const message = `${context.subject} is forbidden: ${boundedJoin(describe(violations, context, 'violates'), '; ', MAX_MESSAGE_CHARS)}`;
  return { allowed: false, status: { code: 403, reason: 'Forbidden', message: truncate(message, MAX_MESSAGE_CHARS + MAX_ITEM_CHARS) }, warnings, auditAnnotations };
}
