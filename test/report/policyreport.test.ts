import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { PolicyResult } from '../../src/policy/result.js';
import {
  OMITTED_RESULTS_ANNOTATION, buildPolicyReports, planPolicyReports, reportTimestamp,
} from '../../src/report/policy-report-builder.js';
import type { PolicyReportObject } from '../../src/report/policy-report-builder.js';
import { formatPolicyReport } from '../../src/report/policyreport.js';
import { GENERATED_AT, HOSTILE, RESULTS, fixtureInput } from './support/fixture.js';
import { kubectlAvailable, kubectlDecode } from './support/kubectl.js';
import { render } from './support/render.js';

const RESULT_ENUM = new Set(['pass', 'fail', 'warn', 'error', 'skip']);
const SEVERITY_ENUM = new Set(['critical', 'high', 'low', 'medium', 'info']);
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
/** An unpaired surrogate is not a character; in a YAML (UTF-8) stream it can only be U+FFFD. */
const HOSTILE_IN_YAML = HOSTILE.replace('\ud800', '\ufffd');

function builtAsWritten(): PolicyReportObject[] {
  const built = buildPolicyReports(RESULTS, { generatedAt: GENERATED_AT });
  built[3]!.results[3]!.message = HOSTILE_IN_YAML;
  return built;
}

function readStream(text: string): PolicyReportObject[] {
  const docs = parseAllDocuments(text, { version: '1.1', strict: true, uniqueKeys: true });
  for (const d of docs) assert.deepEqual(d.errors, []);
  return docs.map((d) => d.toJS() as PolicyReportObject);
}

/** The constraints of the wgpolicyk8s.io/v1alpha2 CRD schema that a server would enforce. */
function assertValidReport(report: PolicyReportObject): void {
  assert.equal(report.apiVersion, 'wgpolicyk8s.io/v1alpha2');
  assert.ok(report.kind === 'PolicyReport' || report.kind === 'ClusterPolicyReport');
  assert.match(report.metadata.name, DNS_SUBDOMAIN);
  if (report.kind === 'ClusterPolicyReport') assert.equal(report.metadata.namespace, undefined);
  for (const key of ['pass', 'fail', 'warn', 'error', 'skip'] as const) assert.ok(Number.isInteger(report.summary[key]));
  for (const r of report.results) {
    assert.equal(typeof r.policy, 'string');
    assert.ok(RESULT_ENUM.has(r.result), r.result);
    assert.ok(SEVERITY_ENUM.has(r.severity), r.severity);
    assert.equal(r.source, 'gatehouse');
    assert.ok(Number.isInteger(r.timestamp.seconds) && Number.isInteger(r.timestamp.nanos) && r.timestamp.nanos >= 0 && r.timestamp.nanos < 1e9);
    assert.equal(typeof r.scored, 'boolean');
    for (const value of Object.values(r.properties ?? {})) assert.equal(typeof value, 'string', 'properties are map[string]string');
    for (const ref of r.resources ?? []) for (const value of Object.values(ref)) assert.equal(typeof value, 'string');
  }
}

describe('policyreport formatter', () => {
  const { text } = render(formatPolicyReport, fixtureInput());
  const reports = readStream(text);

  it('is a multi-document YAML stream of valid reports', () => {
    assert.ok(text.startsWith('---\n'));
    assert.equal(reports.length, 4);
    reports.forEach(assertValidReport);
  });

  it('writes exactly the objects buildPolicyReports builds', () => {
    assert.deepEqual(reports, builtAsWritten());
  });

  it('puts namespaced results in gatehouse-<namespace> and cluster-scoped ones and input errors in the cluster report', () => {
    assert.deepEqual(reports.map((r) => [r.kind, r.metadata.name, r.metadata.namespace]), [
      ['ClusterPolicyReport', 'gatehouse-cluster', undefined],
      ['PolicyReport', 'gatehouse-unnamespaced', undefined],
      ['PolicyReport', 'gatehouse-data', 'data'],
      ['PolicyReport', 'gatehouse-shop', 'shop'],
    ]);
    const cluster = reports[0]!;
    assert.deepEqual(cluster.results.map((r) => r.rule), ['*', 'parse-error']);
    assert.equal(cluster.results[1]!.result, 'error');
    assert.equal(cluster.results[1]!.resources, undefined);
    assert.deepEqual(cluster.results[1]!.properties, { file: 'manifests/broken.yaml', line: '7' });
    assert.deepEqual(cluster.results[0]!.resources, [{ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'reader' }]);
  });

  it('fills results with policy, rule, severity, message, resources, timestamp, scored, category and properties', () => {
    const shop = reports[3]!;
    assert.deepEqual(shop.summary, { pass: 1, fail: 1, warn: 1, skip: 1, error: 1 });
    const [nonRoot, , exempted, warn] = shop.results;
    assert.deepEqual(nonRoot, {
      policy: 'pod-security-restricted', rule: 'runAsNonRoot', result: 'fail', severity: 'high',
      message: 'pod or container "app" must set securityContext.runAsNonRoot=true', source: 'gatehouse',
      timestamp: { seconds: 1735787045, nanos: 678000000 }, scored: true,
      resources: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'shop' }],
      category: 'Pod Security Standards (Restricted)',
      properties: { file: 'manifests/careless app.yaml', line: '12', remediation: 'Set securityContext.runAsNonRoot: true.' },
    });
    assert.equal(exempted!.properties!.justification, 'INC-42: vendor image');
    assert.equal(warn!.scored, false, 'warn means not scored in the Policy Reports API');
    assert.equal(warn!.rule, 'no', 'a YAML 1.1 boolean word stays a string');
    assert.deepEqual(warn!.properties, { file: 'manifests/careless app.yaml', line: '12', path: 'spec.template.spec.containers[0]', count: '2' });
    assert.equal(warn!.message, HOSTILE_IN_YAML, 'hostile text survives exactly');
    const helm = reports[2]!.results[0]!;
    assert.equal(helm.properties!.template, 'mychart/templates/statefulset.yaml');
  });

  it('is accepted and decoded unchanged by kubectl', { skip: kubectlAvailable ? false : 'kubectl not installed' }, async () => {
    const { status, stderr, objects } = await kubectlDecode(text);
    assert.equal(status, 0, stderr);
    // kubectl places the report without a namespace in the current one, as it does the manifests it describes.
    const expected = builtAsWritten();
    expected[1]!.metadata.namespace = 'default';
    assert.deepEqual(objects, expected);
  });

  it('splits timestamps into whole seconds and non-negative nanos', () => {
    assert.deepEqual(reportTimestamp(new Date(1500)), { seconds: 1, nanos: 500_000_000 });
    assert.deepEqual(reportTimestamp(new Date(-1500)), { seconds: -2, nanos: 500_000_000 });
  });

  it('writes nothing for no results', () => {
    assert.equal(render(formatPolicyReport, fixtureInput({ results: [] })).text, '');
  });
});

describe('buildPolicyReports with a cap', () => {
  const many: PolicyResult[] = [
    ...Array.from({ length: 5 }, (_, i): PolicyResult => ({ ...RESULTS[1]!, message: `pass ${i}` })),
    { ...RESULTS[0]!, severity: 'low', message: 'low fail' },
    { ...RESULTS[0]!, severity: 'critical', message: 'critical fail' },
    { ...RESULTS[2]! },
    { ...RESULTS[0]!, result: 'error', message: 'error' },
    { ...RESULTS[3]!, message: 'warn' },
  ];

  it('keeps the most important results in their original order and records what it left out', () => {
    const [report] = buildPolicyReports(many, { maxResultsPerReport: 3, generatedAt: GENERATED_AT });
    assert.deepEqual(report!.results.map((r) => r.message), ['low fail', 'critical fail', 'error']);
    assert.deepEqual(report!.summary, { pass: 5, fail: 2, warn: 1, skip: 1, error: 1 }, 'summary still counts everything');
    assert.deepEqual(JSON.parse(report!.metadata.annotations![OMITTED_RESULTS_ANNOTATION]!), { pass: 5, fail: 0, warn: 1, skip: 1, error: 0 });
    assertValidReport(report!);
  });

  it('adds no annotation when nothing is left out, and refuses a nonsensical cap', () => {
    const [report] = buildPolicyReports(many, { maxResultsPerReport: many.length });
    assert.equal(report!.metadata.annotations, undefined);
    assert.equal(report!.results.length, many.length);
    assert.throws(() => planPolicyReports(many, { maxResultsPerReport: -1 }), /non-negative integer/);
    assert.throws(() => planPolicyReports(many, { maxResultsPerReport: 1.5 }), /non-negative integer/);
  });

  it('can keep zero results and still summarise', () => {
    const [report] = buildPolicyReports(many, { maxResultsPerReport: 0 });
    assert.deepEqual(report!.results, []);
    assert.equal(JSON.parse(report!.metadata.annotations![OMITTED_RESULTS_ANNOTATION]!).pass, 5);
  });
});
