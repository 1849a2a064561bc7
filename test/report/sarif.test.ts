import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PolicyResult } from '../../src/policy/result.js';
import { FINGERPRINT_KEY, GITHUB_MAX_RESULTS_PER_RUN, formatSarif, sarifLevel } from '../../src/report/sarif.js';
import { RESULTS, RULES, fixtureInput } from './support/fixture.js';
import { render } from './support/render.js';
import { checkSarif } from './support/sarif-check.js';

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
  partialFingerprints: Record<string, string>;
}

function sarif(overrides = {}) {
  const log = JSON.parse(render(formatSarif, fixtureInput(overrides)).text);
  return { log, run: log.runs[0], results: log.runs[0].results as SarifResult[] };
}

describe('sarif formatter', () => {
  it('produces a structurally valid SARIF 2.1.0 log that GitHub accepts', () => {
    const { log, run } = sarif();
    assert.deepEqual(checkSarif(log), []);
    assert.equal(run.tool.driver.name, 'gatehouse');
    assert.equal(run.tool.driver.version, '0.1.0');
  });

  it('describes every rule: id policy/rule, name, descriptions, help with remediation, helpUri, severity, tags', () => {
    const { run } = sarif();
    const rules = run.tool.driver.rules;
    assert.deepEqual(rules.slice(0, RULES.length).map((r: { id: string }) => r.id), RULES.map((r) => `${r.policy}/${r.rule.id}`));
    const nonRoot = rules[0];
    assert.equal(nonRoot.name, 'runAsNonRoot');
    assert.equal(nonRoot.shortDescription.text, 'Containers must run as a non-root user.');
    assert.equal(nonRoot.help.text, 'Set securityContext.runAsNonRoot: true.');
    assert.match(nonRoot.help.markdown, /\*\*Remediation:\*\* Set securityContext.runAsNonRoot: true\./);
    assert.equal(nonRoot.helpUri, 'https://kubernetes.io/docs/concepts/security/pod-security-standards/');
    assert.equal(nonRoot.properties['security-severity'], '8.0');
    assert.ok(nonRoot.properties.tags.includes('security'));
    assert.deepEqual(rules.map((r: { properties: Record<string, string> }) => r.properties['security-severity']), ['8.0', '9.5', '5.5', '3.0', '0.0', '8.0']);
  });

  it('keeps rule tags unique', () => {
    const rules = [{ policy: 'kubernetes', rule: { id: 'r', severity: 'low' as const, description: 'd', category: 'security' } }];
    const { log, run } = sarif({ rules, results: [] });
    assert.deepEqual(run.tool.driver.rules[0].properties.tags, ['security', 'kubernetes']);
    assert.deepEqual(checkSarif(log), []);
  });

  it('adds a descriptor for rules that only appear in results (input errors)', () => {
    const { run, results } = sarif();
    const parse = results.find((r) => r.ruleId === 'gatehouse-input/parse-error')!;
    assert.equal(run.tool.driver.rules[parse.ruleIndex].id, 'gatehouse-input/parse-error');
    assert.equal(parse.locations[0]!.physicalLocation.artifactLocation.uri, 'manifests/broken.yaml');
    assert.equal(parse.locations[0]!.physicalLocation.region.startLine, 7);
  });

  it('reports only fail, warn and error results, with levels from severity', () => {
    const { results } = sarif();
    const expected = RESULTS.filter((r) => r.result === 'fail' || r.result === 'warn' || r.result === 'error');
    assert.deepEqual(results.map((r) => r.ruleId), expected.map((r) => `${r.policy}/${r.rule}`));
    assert.deepEqual(results.map((r) => r.level), ['error', 'note', 'error', 'error', 'note', 'error']);
    assert.equal(sarifLevel({ result: 'fail', severity: 'medium' }), 'warning');
    assert.equal(sarifLevel({ result: 'warn', severity: 'critical' }), 'warning');
    assert.equal(sarifLevel({ result: 'error', severity: 'info' }), 'error');
  });

  it('locates results by relative, encoded, forward-slash URIs and names the Helm template', () => {
    const { results } = sarif();
    assert.equal(results[0]!.locations[0]!.physicalLocation.artifactLocation.uri, 'manifests/careless%20app.yaml');
    const helm = results.find((r) => r.ruleId.endsWith('hostPathVolumes'))!;
    assert.equal(helm.locations[0]!.physicalLocation.artifactLocation.uri, 'rendered/chart.yaml');
    assert.match(helm.message.text, /^StatefulSet\/data\/db: hostPath volumes \(volume "data"\) \(Helm template mychart\/templates\/statefulset\.yaml\)$/);
    const abs = sarif({ baseDir: '/repo', results: [{ ...RESULTS[0]!, source: { file: '/repo/deploy/app.yaml', line: 3 } }] });
    assert.equal(abs.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri, 'deploy/app.yaml');
  });

  it('keeps fingerprints stable across runs and line moves, and distinct between findings', () => {
    const first = sarif().results.map((r) => r.partialFingerprints[FINGERPRINT_KEY]);
    const moved = RESULTS.map((r) => (r.source ? { ...r, source: { ...r.source, line: r.source.line + 5 } } : r));
    const second = sarif({ results: moved, generatedAt: new Date('2030-01-01T00:00:00Z') }).results.map((r) => r.partialFingerprints[FINGERPRINT_KEY]);
    assert.deepEqual(second, first);
    assert.equal(new Set(first).size, first.length);
    for (const fp of first) assert.match(fp!, /^[0-9a-f]{64}$/);
    const renamed = sarif({ results: [{ ...RESULTS[0]!, resource: { ...RESULTS[0]!.resource!, name: 'api' } }] });
    assert.notEqual(renamed.results[0]!.partialFingerprints[FINGERPRINT_KEY], first[0]);
  });

  it('turns results without a file into tool notifications rather than dropping them', () => {
    const noSource: PolicyResult = { ...RESULTS[0]!, source: undefined };
    const { log, run, results } = sarif({ results: [noSource] });
    assert.deepEqual(checkSarif(log), []);
    assert.equal(results.length, 0);
    const [note] = run.invocations[0].toolExecutionNotifications;
    assert.equal(note.level, 'error');
    assert.equal(note.associatedRule.id, 'pod-security-restricted/runAsNonRoot');
    assert.match(note.message.text, /Deployment\/shop\/web: pod or container "app" must set/);
  });

  it('warns in the log when results exceed GitHub\'s per-run limit', () => {
    const many = Array.from({ length: GITHUB_MAX_RESULTS_PER_RUN + 1 }, (_, i) => ({ ...RESULTS[0]!, message: `finding ${i}` }));
    const { run, results } = sarif({ results: many });
    assert.equal(results.length, GITHUB_MAX_RESULTS_PER_RUN + 1);
    const notes = run.invocations[0].toolExecutionNotifications;
    assert.equal(notes.length, 1);
    assert.match(notes[0].message.text, /exceed GitHub code scanning's limit of 25000/);
  });

  it('catches what the structural check is for', () => {
    const { log } = sarif();
    log.runs[0].results[0].ruleIndex = 3;
    delete log.runs[0].results[1].locations;
    log.runs[0].tool.driver.rules[0].properties['security-severity'] = 'high';
    assert.equal(checkSarif(log).length, 3);
  });
});
