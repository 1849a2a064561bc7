// `--format sarif`: SARIF 2.1.0 shaped for GitHub code scanning. Rules carry descriptions, remediation and a
// numeric security-severity; only fail/warn/error become results (passes and skips are not problems); every result
// has a file:line location and a fingerprint that stays the same across runs while the finding does. Results are
// written as they arrive; the rules and notifications follow them.
import { createHash } from 'node:crypto';
import type { PolicyResult, Severity } from '../policy/result.js';
import type { RuleInfo } from '../policy/policy.js';
import { formatRef, groupOf } from '../kube/object.js';
import { artifactUri } from './artifact-uri.js';
import { ChunkedWriter } from './chunked-writer.js';
import type { Formatter } from './report.js';
import { Spool } from './spool.js';

export const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
export const FINGERPRINT_KEY = 'gatehouseFinding/v1';
/** GitHub rejects a run with more results than this. */
export const GITHUB_MAX_RESULTS_PER_RUN = 25_000;

export type SarifLevel = 'error' | 'warning' | 'note';

/** GitHub reads security-severity as a CVSS-like score: ≥9 critical, 7–8.9 high, 4–6.9 medium, 0.1–3.9 low, 0 none. */
export const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' };

export function sarifLevel(r: Pick<PolicyResult, 'result' | 'severity'>): SarifLevel {
  if (r.result === 'error') return 'error';
  if (r.severity === 'critical' || r.severity === 'high') return r.result === 'fail' ? 'error' : 'warning';
  return r.severity === 'medium' ? 'warning' : 'note';
}

function isReported(r: PolicyResult): boolean {
  return r.result === 'fail' || r.result === 'warn' || r.result === 'error';
}

interface RuleEntry {
  policy: string;
  rule: RuleInfo;
}

function ruleDescriptor({ policy, rule }: RuleEntry): Record<string, unknown> {
  const help = rule.remediation ?? rule.description;
  const markdown = [`**Why:** ${rule.description}`, ...(rule.remediation ? [`**Remediation:** ${rule.remediation}`] : []),
    ...(rule.helpUri ? [`[Reference](${rule.helpUri})`] : [])].join('\n\n');
  const tags = [...new Set(['security', 'kubernetes', policy, ...(rule.category ? [rule.category] : [])])];
  return {
    id: `${policy}/${rule.id}`,
    name: rule.id,
    shortDescription: { text: rule.description },
    fullDescription: { text: rule.description },
    help: { text: help, markdown },
    ...(rule.helpUri ? { helpUri: rule.helpUri } : {}),
    defaultConfiguration: { level: sarifLevel({ result: 'fail', severity: rule.severity }) },
    properties: { 'security-severity': SECURITY_SEVERITY[rule.severity], tags, severity: rule.severity },
  };
}

/** Rule indices: the header's rules first, then any rule a result names without metadata (input errors), as met. */
class RuleTable {
  readonly entries: RuleEntry[] = [];
  private readonly index = new Map<string, number>();

  constructor(rules: readonly RuleEntry[]) {
    for (const entry of rules) this.add(entry);
  }

  indexFor(r: PolicyResult): number {
    return this.index.get(`${r.policy}/${r.rule}`) ?? this.add({ policy: r.policy, rule: { id: r.rule, severity: r.severity,
      description: `${r.policy}/${r.rule}`, ...(r.category ? { category: r.category } : {}), ...(r.remediation ? { remediation: r.remediation } : {}) } });
  }

  private add(entry: RuleEntry): number {
    const id = `${entry.policy}/${entry.rule.id}`;
    const known = this.index.get(id);
    if (known !== undefined) return known;
    this.index.set(id, this.entries.length);
    this.entries.push(entry);
    return this.entries.length - 1;
  }
}

/** `Kind/namespace/name: ` so a message says which object it is about; empty for input errors. */
function subjectOf(r: PolicyResult): string {
  return r.resource ? `${formatRef(r.resource)}: ` : '';
}

function fingerprint(ruleId: string, uri: string, r: PolicyResult): string {
  const ref = r.resource;
  const parts = [ruleId, uri, r.source?.template ?? '', ref ? groupOf(ref.apiVersion) : '', ref?.kind ?? '', ref?.namespace ?? '', ref?.name ?? '', r.message];
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

function sarifResult(r: PolicyResult, ruleIndex: number, baseDir: string): Record<string, unknown> {
  const ruleId = `${r.policy}/${r.rule}`;
  const source = r.source!;
  const uri = artifactUri(source.file, baseDir);
  const template = source.template !== undefined ? ` (Helm template ${source.template})` : '';
  const location: Record<string, unknown> = {
    physicalLocation: { artifactLocation: { uri }, region: { startLine: Math.max(1, Math.trunc(source.line) || 1) } },
  };
  if (r.resource) location.logicalLocations = [{ name: r.resource.name, fullyQualifiedName: formatRef(r.resource), kind: 'resource' }];
  const properties: Record<string, unknown> = { severity: r.severity, result: r.result };
  if (source.template !== undefined) properties.template = source.template;
  if (r.properties !== undefined) properties.details = r.properties;
  return {
    ruleId,
    ruleIndex,
    level: sarifLevel(r),
    message: { text: `${subjectOf(r)}${r.message}${template}` },
    locations: [location],
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(ruleId, uri, r) },
    properties,
  };
}

function notification(level: SarifLevel, text: string, rule?: { id: string; index: number }): Record<string, unknown> {
  return { level, message: { text }, ...(rule ? { associatedRule: rule } : {}) };
}

export const formatSarif: Formatter = (header, sink, options) => {
  const out = new ChunkedWriter(sink);
  const baseDir = header.baseDir ?? process.cwd();
  const rules = new RuleTable(header.rules);
  // A result without a file cannot be placed in code scanning (GitHub rejects location-less results), so it is
  // reported as a tool notification, after the results, instead of being dropped.
  const notifications = new Spool(options.spool);
  let notified = 0;
  const notify = (note: Record<string, unknown>): void => {
    notifications.append('', `${notified++ > 0 ? ',' : ''}${JSON.stringify(note)}`);
  };
  let count = 0;
  // `results` come before `tool`: the rule list is complete only once every result has been seen.
  out.write(`{"$schema":${JSON.stringify(SARIF_SCHEMA)},"version":"2.1.0","runs":[{"results":[`);
  return {
    add(results) {
      for (const r of results) {
        if (!isReported(r)) continue;
        const ruleId = `${r.policy}/${r.rule}`;
        const ruleIndex = rules.indexFor(r);
        if (!r.source) {
          notify(notification(sarifLevel(r), `${ruleId}: ${subjectOf(r)}${r.message}`, { id: ruleId, index: ruleIndex }));
          continue;
        }
        out.write(`${count > 0 ? ',' : ''}\n${JSON.stringify(sarifResult(r, ruleIndex, baseDir))}`);
        count++;
      }
    },
    end() {
      try {
        if (count > GITHUB_MAX_RESULTS_PER_RUN) {
          notify(notification('warning',
            `${count} results exceed GitHub code scanning's limit of ${GITHUB_MAX_RESULTS_PER_RUN} per run; scan fewer files or disable rules`));
        }
        const driver = { name: header.tool.name, version: header.tool.version, semanticVersion: header.tool.version };
        out.write(`${count > 0 ? '\n' : ''}],"tool":{"driver":${JSON.stringify(driver).slice(0, -1)},"rules":[`);
        rules.entries.forEach((entry, i) => out.write(`${i > 0 ? ',' : ''}\n${JSON.stringify(ruleDescriptor(entry))}`));
        const invocation = { executionSuccessful: true, endTimeUtc: (header.generatedAt ?? new Date()).toISOString() };
        out.write(`\n]}},"invocations":[${JSON.stringify(invocation).slice(0, -1)},"toolExecutionNotifications":[`);
        notifications.drain('', (chunk) => out.write(chunk));
        out.write(']}]}]}\n');
        out.flush();
      } finally {
        notifications.close();
      }
    },
    abort() {
      notifications.close();
    },
  };
};
