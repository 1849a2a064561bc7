// `--format text` (default): findings grouped by resource with file:line (and Helm template), severity, rule,
// message and remediation; passes and inapplicable skips only counted; input errors, then a summary line, last.
// Each resource is written as soon as its results arrive; only counters and the input-error lines are kept.
import { formatRef } from '../kube/object.js';
import type { PolicyResult, ResultStatus, Severity } from '../policy/result.js';
import { RESULT_STATUSES, SEVERITIES, emptySummary, severityRank } from '../policy/result.js';
import { ChunkedWriter } from './chunked-writer.js';
import { byImportance } from './importance.js';
import type { Formatter, ReportHeader } from './report.js';
import { Spool } from './spool.js';
import { ResultTally } from './tally.js';
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

function headerLine(header: ReportHeader, p: Palette): string {
  const inputs = header.inputs ?? [];
  const listed = inputs.slice(0, MAX_LISTED_INPUTS).map(printable).join(', ');
  const more = inputs.length > MAX_LISTED_INPUTS ? ` and ${inputs.length - MAX_LISTED_INPUTS} more` : '';
  const scanned = inputs.length > 0 ? `: ${listed}${more}` : '';
  return `${p.bold(`${printable(header.tool.name)} ${printable(header.tool.version)}`)}${scanned}\n`;
}

function summaryLine(tally: ResultTally, resources: number, clean: number, p: Palette): string {
  const { summary, failBySeverity } = tally;
  const severities = [...SEVERITIES].reverse().filter((s) => failBySeverity[s] > 0).map((s) => `${failBySeverity[s]} ${s}`);
  const colour: Record<ResultStatus, (t: string) => string> = { pass: p.green, fail: p.red, warn: p.yellow, skip: p.cyan, error: p.magenta };
  const parts = RESULT_STATUSES.map((s) => {
    const text = `${summary[s]} ${s}${s === 'fail' && severities.length > 0 ? ` (${severities.join(', ')})` : ''}`;
    return summary[s] > 0 && s !== 'pass' && s !== 'skip' ? colour[s](text) : text;
  });
  const noun = resources === 1 ? 'resource' : 'resources';
  return `${resources} ${noun} (${clean} without findings), ${parts.join(', ')}\n`;
}

function inputErrorLine(r: PolicyResult, p: Palette): string {
  const where = location(r) || '(unknown location)';
  return `  ${statusLabel(r.result, p)}  ${where}: ${printable(r.message)} ${p.dim(`[${printable(`${r.policy}/${r.rule}`)}]`)}\n`;
}

function writeResource(out: ChunkedWriter, results: readonly PolicyResult[], p: Palette): boolean {
  const findings = results.filter(isShown).sort(byImportance);
  if (findings.length === 0) return false;
  const first = results[0]!;
  const where = location(first);
  out.write(`\n${p.bold(printable(formatRef(first.resource!)))}${where ? `  ${p.dim(where)}` : ''}\n`);
  for (const r of findings) writeFinding(out, r, p);
  const counts = emptySummary();
  for (const r of results) if (!isShown(r)) counts[r.result]++;
  const rest = countsLine(counts);
  if (rest) out.write(`${INDENT}${p.dim(`and ${rest}`)}\n`);
  return true;
}

export const formatText: Formatter = (header, sink, options) => {
  const p = palette(options.color);
  const out = new ChunkedWriter(sink);
  out.write(headerLine(header, p));
  const tally = new ResultTally();
  // Input errors have no resource to be listed under; they get their own section after the resources.
  const inputErrors = new Spool(options.spool);
  let hasInputErrors = false;
  let resources = 0;
  let clean = 0;
  return {
    add(results) {
      for (const r of results) tally.add(r);
      if (results.length === 0) return;
      if (!results[0]!.resource) {
        for (const r of results) inputErrors.append('', inputErrorLine(r, p));
        hasInputErrors = true;
        return;
      }
      resources++;
      if (!writeResource(out, results, p)) clean++;
    },
    end() {
      try {
        if (hasInputErrors) {
          out.write(`\n${p.bold('Input errors')}\n`);
          inputErrors.drain('', (chunk) => out.write(chunk));
        }
        out.write(`\n${summaryLine(tally, resources, clean, p)}`);
        out.flush();
      } finally {
        inputErrors.close();
      }
    },
    abort() {
      inputErrors.close();
    },
  };
};
