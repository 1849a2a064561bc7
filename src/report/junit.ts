// `--format junit`: JUnit XML as CI systems ingest it (Jenkins, GitLab, Azure DevOps, GitHub test reporters).
// One testsuite per policy, one testcase per resource and rule: fail → <failure>, error → <error>, skip →
// <skipped>, warn → a passing case with the warning in <system-out> (a warning must not fail a build).
import { formatRef } from '../kube/object.js';
import type { PolicyResult } from '../policy/result.js';
import { ChunkedWriter } from './chunked-writer.js';
import type { Formatter } from './report.js';
import { Spool } from './spool.js';
import { ResultTally } from './tally.js';
import { xmlAttributes, xmlText } from './xml.js';

function where(r: PolicyResult): string | undefined {
  if (!r.source) return undefined;
  return `${r.source.file}:${r.source.line}${r.source.template !== undefined ? ` (Helm template ${r.source.template})` : ''}`;
}

function details(r: PolicyResult): string {
  const lines = [r.message, `severity: ${r.severity}`];
  if (r.resource) lines.push(`resource: ${r.resource.apiVersion} ${formatRef(r.resource)}`);
  const location = where(r);
  if (location) lines.push(`source: ${location}`);
  if (r.remediation !== undefined) lines.push(`remediation: ${r.remediation}`);
  if (r.justification !== undefined) lines.push(`justification: ${r.justification}`);
  return lines.join('\n');
}

function testcase(r: PolicyResult): string {
  const attributes = xmlAttributes({
    name: r.rule,
    classname: r.resource ? formatRef(r.resource) : (r.source?.file ?? r.policy),
    file: r.source?.file,
    line: r.source?.line,
    time: 0,
  });
  const message = xmlAttributes({ message: r.message, type: r.severity });
  switch (r.result) {
    case 'pass':
      return `    <testcase${attributes}/>\n`;
    case 'fail':
      return `    <testcase${attributes}>\n      <failure${message}>${xmlText(details(r))}</failure>\n    </testcase>\n`;
    case 'error':
      return `    <testcase${attributes}>\n      <error${message}>${xmlText(details(r))}</error>\n    </testcase>\n`;
    case 'skip':
      return `    <testcase${attributes}>\n      <skipped${xmlAttributes({ message: r.message })}/>\n    </testcase>\n`;
    case 'warn':
      return `    <testcase${attributes}>\n      <system-out>${xmlText(`WARNING: ${details(r)}`)}</system-out>\n    </testcase>\n`;
  }
}

function counts(tally: ResultTally): Record<string, number> {
  return { tests: tally.total, failures: tally.summary.fail, errors: tally.summary.error, skipped: tally.summary.skip };
}

export const formatJunit: Formatter = (header, sink, options) => {
  const out = new ChunkedWriter(sink);
  // JUnit's timestamp is xs:dateTime without a zone in the Jenkins/Ant schema; UTC is implied.
  const timestamp = (header.generatedAt ?? new Date()).toISOString().slice(0, 19);
  // The totals open the document, so test cases are held (spilling to disk) per policy until the run ends.
  const testcases = new Spool(options.spool);
  const suites = new Map<string, ResultTally>();
  const total = new ResultTally();
  return {
    add(results) {
      for (const r of results) {
        let suite = suites.get(r.policy);
        if (!suite) suites.set(r.policy, (suite = new ResultTally()));
        suite.add(r);
        total.add(r);
        testcases.append(r.policy, testcase(r));
      }
    },
    end() {
      try {
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n');
        out.write(`<testsuites${xmlAttributes({ name: header.tool.name, ...counts(total), time: 0, timestamp })}>\n`);
        let id = 0;
        for (const [policy, suite] of suites) {
          out.write(`  <testsuite${xmlAttributes({ name: policy, id: id++, ...counts(suite), time: 0, timestamp })}>\n`);
          testcases.drain(policy, (chunk) => out.write(chunk));
          out.write('  </testsuite>\n');
        }
        out.write('</testsuites>\n');
        out.flush();
      } finally {
        testcases.close();
      }
    },
    abort() {
      testcases.close();
    },
  };
};
