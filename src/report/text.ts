// `--format text` (default): findings grouped by resource with file:line (and Helm template), severity, rule,
// message and remediation; passes and inapplicable skips only counted; a summary line last.
import { formatRef } from '../kube/object.js';
import type { PolicyResult, ResultStatus, Severity } from '../policy/result.js';
import { RESULT_STATUSES, SEVERITIES, emptySummary, severityRank, summarize } from '../policy/result.js';
import { ChunkedWriter } from './chunked-writer.js';
import { groupIndices, resourceKey } from './group.js';
import { byImportance } from './importance.js';
import type { Formatter, ReportInput } from './report.js';
import type { Palette } from './terminal.js';
import { palette, printable } from './terminal.js';

const MAX_LISTED_INPUTS = 10;
const INDENT = '         ';

/** Findings a reader must see: everything except passes and skips that carry no exemption. */
function isShown(r: PolicyResult): boolean {
  return r.result === 'fail' || r.result === 'warn' || r.result === 'error' || (r.result === 'skip' && r.justification !== undefined);
}

function statusLabel(status: ResultStatus, p: Palette): string {
  const label = status.toUpperCase().padEnd(5);
  switch (status) {
    case 'fail': return p.bold(p.red(label));
    case 'warn': return p.yellow(label);
    case 'error': return p.bold(p.magenta(label));
    case 'skip': return p.cyan(label);
    case 'pass': return p.green(label);
  }
}

function severityLabel(severity: Severity, p: Palette): string {
  const label = severity.padEnd(8);
  return severityRank(severity) >= severityRank('high') ? p.bold(label) : label;
}

function location(r: PolicyResult): string {
  if (!r.source) return '';
  const where = `${printable(r.source.file)}:${r.source.line}`;
  return r.source.template !== undefined ? `${where} (template ${printable(r.source.template)})` : where;
}

function writeFinding(out: ChunkedWriter, r: PolicyResult, p: Palette): void {
  out.write(`  ${statusLabel(r.result, p)}  ${severityLabel(r.severity, p)} ${p.bold(printable(`${r.policy}/${r.rule}`))}: ${printable(r.message)}\n`);
  if (r.justification !== undefined && !r.message.includes(r.justification)) {
    out.write(`${INDENT}${p.dim(`justification: ${printable(r.justification)}`)}\n`);
  }
  if (r.remediation !== undefined && r.result !== 'skip') out.write(`${INDENT}${p.dim(`fix: ${printable(r.remediation)}`)}\n`);
}

function countsLine(counts: Record<ResultStatus, number>): string {
  return RESULT_STATUSES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`).join(', ');
}

function header(input: ReportInput, p: Palette): string {
  const inputs = input.inputs ?? [];
  const listed = inputs.slice(0, MAX_LISTED_INPUTS).map(printable).join(', ');
  const more = inputs.length > MAX_LISTED_INPUTS ? ` and ${inputs.length - MAX_LISTED_INPUTS} more` : '';
  const scanned = inputs.length > 0 ? `: ${listed}${more}` : '';
  return `${p.bold(`${printable(input.tool.name)} ${printable(input.tool.version)}`)}${scanned}\n`;
}

function summaryLine(results: readonly PolicyResult[], resources: number, clean: number, p: Palette): string {
  const summary = summarize(results);
  const failBySeverity = new Map<Severity, number>();
  for (const r of results) if (r.result === 'fail') failBySeverity.set(r.severity, (failBySeverity.get(r.severity) ?? 0) + 1);
  const severities = [...SEVERITIES].reverse().filter((s) => failBySeverity.has(s)).map((s) => `${failBySeverity.get(s)} ${s}`);
  const colour: Record<ResultStatus, (t: string) => string> = { pass: p.green, fail: p.red, warn: p.yellow, skip: p.cyan, error: p.magenta };
  const parts = RESULT_STATUSES.map((s) => {
    const text = `${summary[s]} ${s}${s === 'fail' && severities.length > 0 ? ` (${severities.join(', ')})` : ''}`;
    return summary[s] > 0 && s !== 'pass' && s !== 'skip' ? colour[s](text) : text;
  });
  const noun = resources === 1 ? 'resource' : 'resources';
  return `${resources} ${noun} (${clean} without findings), ${parts.join(', ')}\n`;
}

export const formatText: Formatter = (input, sink, options) => {
  const p = palette(options.color);
  const out = new ChunkedWriter(sink);
  const { results } = input;
  out.write(header(input, p));

  const groups = groupIndices(results, resourceKey);
  let resources = 0;
  let clean = 0;
  const unattached: PolicyResult[] = [];
  for (const indices of groups.values()) {
    const first = results[indices[0]!]!;
    if (!first.resource) {
      for (const i of indices) unattached.push(results[i]!);
      continue;
    }
    resources++;
    const group = indices.map((i) => results[i]!);
    const findings = group.filter(isShown).sort(byImportance);
    if (findings.length === 0) {
      clean++;
      continue;
    }
    const where = location(first);
    out.write(`\n${p.bold(printable(formatRef(first.resource)))}${where ? `  ${p.dim(where)}` : ''}\n`);
    for (const r of findings) writeFinding(out, r, p);
    const counts = emptySummary();
    for (const r of group) if (!isShown(r)) counts[r.result]++;
    const rest = countsLine(counts);
    if (rest) out.write(`${INDENT}${p.dim(`and ${rest}`)}\n`);
  }

  if (unattached.length > 0) {
    out.write(`\n${p.bold('Input errors')}\n`);
    for (const r of unattached) {
      const where = location(r) || '(unknown location)';
      out.write(`  ${statusLabel(r.result, p)}  ${where}: ${printable(r.message)} ${p.dim(`[${printable(`${r.policy}/${r.rule}`)}]`)}\n`);
    }
  }

  out.write(`\n${summaryLine(results, resources, clean, p)}`);
  out.flush();
};
