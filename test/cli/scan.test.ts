import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PolicyResult } from '../../src/policy/result.js';
import { ExitCode } from '../../src/cli/scan.js';
import { INPUT_POLICY } from '../../src/scan/scan.js';
import { runCli } from '../support/cli.js';

const PRIVILEGED_POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: apps\nspec:\n  containers:\n  - name: c\n    image: nginx:1.27\n    securityContext:\n      privileged: true\n';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'gatehouse-scan-'));
}

test('the bundled examples have findings: exit 1 and a summary line', async () => {
  const { code, stdout } = await runCli(['scan', 'examples/workloads/']);
  assert.equal(code, 1);
  assert.match(stdout, /Deployment\/default\/legacy-app {2}examples\/workloads\/careless\/legacy-app\.yaml:\d+/);
  assert.match(stdout, /pod-security-restricted\/privileged: privileged \(container "app" must not set securityContext\.privileged=true\)/);
  assert.match(stdout, /\d+ resources .* \d+ fail/);
});

test('stdin is read with -, and the JSON report follows the contract', async () => {
  const { code, stdout } = await runCli(['scan', '-', '--format', 'json'], { stdin: PRIVILEGED_POD });
  assert.equal(code, 1);
  const report = JSON.parse(stdout);
  assert.equal(report.apiVersion, 'gatehouse.dev/v1alpha1');
  assert.equal(report.kind, 'ScanResult');
  assert.deepEqual(Object.keys(report.summary).sort(), ['error', 'fail', 'pass', 'skip', 'warn']);
  const privileged = report.results.find((r: { rule: string }) => r.rule === 'privileged');
  assert.equal(privileged.policy, 'pod-security-restricted');
  assert.equal(privileged.result, 'fail');
  assert.equal(privileged.severity, 'critical');
  assert.deepEqual(privileged.resource, { apiVersion: 'v1', kind: 'Pod', namespace: 'apps', name: 'p' });
  assert.deepEqual(privileged.source, { file: '<stdin>', line: 1 });
});

test('--pss selects level and version; none turns Pod Security Standards off', async () => {
  const baseline = JSON.parse((await runCli(['scan', '-', '--format', 'json', '--pss', 'baseline:v1.25'], { stdin: PRIVILEGED_POD })).stdout);
  assert.ok(baseline.results.every((r: { policy: string }) => r.policy !== 'pod-security-restricted'));
  assert.ok(baseline.results.some((r: { policy: string; rule: string; result: string }) => r.policy === 'pod-security-baseline' && r.rule === 'privileged' && r.result === 'fail'));
  const none = JSON.parse((await runCli(['scan', '-', '--format', 'json', '--pss', 'none'], { stdin: PRIVILEGED_POD })).stdout);
  assert.ok(none.results.every((r: { policy: string }) => !r.policy.startsWith('pod-security-')));
});

test('--fail-on sets the threshold for exit 1', async () => {
  assert.equal((await runCli(['scan', '-', '--fail-on', 'none'], { stdin: PRIVILEGED_POD })).code, 0);
  assert.equal((await runCli(['scan', '-', '--fail-on', 'critical'], { stdin: PRIVILEGED_POD })).code, 1);
});

test('bad documents are errors naming file and line, the rest is still scanned, and the exit code is 2', async () => {
  const dir = tempDir();
  try {
    const file = join(dir, 'mixed.yaml');
    writeFileSync(file, `${PRIVILEGED_POD}---\nkind: [broken\n---\njust: a mapping\n`);
    const { code, stdout } = await runCli(['scan', file, '--format', 'json', '--fail-on', 'none']);
    assert.equal(code, 2);
    const report = JSON.parse(stdout);
    const errors = report.results.filter((r: { result: string }) => r.result === 'error');
    assert.deepEqual(errors.map((e: { source: { line: number } }) => e.source.line), [13, 15]);
    assert.match(errors[0].message, /invalid YAML/);
    assert.match(errors[1].message, /not a Kubernetes object/);
    assert.ok(report.results.some((r: { rule: string; result: string }) => r.rule === 'privileged' && r.result === 'fail'), 'the good document is still scanned');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('usage errors exit 2 with a one-line reason', async () => {
  const noPaths = await runCli(['scan']);
  assert.equal(noPaths.code, 2);
  assert.match(noPaths.stderr, /name at least one file or directory/);
  const badPss = await runCli(['scan', 'examples/workloads/', '--pss', 'strict']);
  assert.equal(badPss.code, 2);
  assert.match(badPss.stderr, /--pss: invalid Pod Security Standards selector "strict"/);
  const badFormat = await runCli(['scan', 'examples/workloads/', '--format', 'xml']);
  assert.equal(badFormat.code, 2);
  assert.match(badFormat.stderr, /xml/);
  const missing = await runCli(['scan', 'no/such/dir']);
  assert.equal(missing.code, 2);
  assert.match(missing.stdout, /no such file or directory/);
});

test('--output writes the report atomically and leaves nothing behind on failure', async () => {
  const dir = tempDir();
  try {
    const out = join(dir, 'report.sarif');
    const { code, stdout } = await runCli(['scan', 'examples/workloads/', '--format', 'sarif', '--output', out]);
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.equal(JSON.parse(readFileSync(out, 'utf8')).version, '2.1.0');
    const failed = await runCli(['scan', 'examples/workloads/', '--pss', 'bogus', '--output', join(dir, 'never.json')]);
    assert.equal(failed.code, 2);
    assert.equal(existsSync(join(dir, 'never.json')), false);
    assert.deepEqual(readdirSync(dir), ['report.sarif']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the hardened examples pass Pod Security Standards restricted and every built-in rule', async () => {
  const { code, stdout } = await runCli(['scan', 'examples/workloads/hardened', '--fail-on', 'info', '--format', 'json']);
  assert.equal(code, 0);
  const report = JSON.parse(stdout);
  assert.equal(report.summary.fail, 0);
  assert.ok(report.results.some((r: { policy: string }) => r.policy === 'gatehouse-builtin'));
});

test('a justified exemption in Helm output is a skip; an unjustified one is a finding', async () => {
  const report = JSON.parse((await runCli(['scan', 'examples/workloads/helm', '--format', 'json'])).stdout);
  const exempted = report.results.find((r: { rule: string; resource: { name: string } }) => r.rule === 'writable-root-filesystem' && r.resource.name === 'shop-migrations');
  assert.equal(exempted.result, 'skip');
  assert.match(exempted.justification, /^SEC-1432/);
  assert.equal(exempted.source.template, 'shop/templates/migrations-job.yaml');
  const unjustified = report.results.find((r: { rule: string }) => r.rule === 'exemption-requires-justification');
  assert.equal(unjustified.resource.name, 'shop-cache');
  assert.equal(report.results.find((r: { rule: string; resource: { name: string } }) => r.rule === 'image-latest-tag' && r.resource.name === 'shop-cache').result, 'fail');
});

test('--config applies a ScanConfiguration; flags win over it; a bad one is a usage error naming the field', async () => {
  const dir = tempDir();
  try {
    const config = join(dir, 'gatehouse.yaml');
    writeFileSync(config, 'apiVersion: gatehouse.dev/v1alpha1\nkind: ScanConfiguration\npss: none\nfailOn: none\nrules:\n  disabled: [image-latest-tag]\n  severity:\n    secret-in-env: critical\nregistries:\n  allowed: [ghcr.io/acme]\n');
    const { code, stdout } = await runCli(['scan', 'examples/workloads/careless', '--config', config, '--format', 'json']);
    assert.equal(code, 0, 'failOn: none from the file');
    const report = JSON.parse(stdout);
    assert.ok(report.results.every((r: { policy: string; rule: string }) => !r.policy.startsWith('pod-security-') && r.rule !== 'image-latest-tag'));
    assert.equal(report.results.find((r: { rule: string; result: string }) => r.rule === 'secret-in-env' && r.result === 'fail').severity, 'critical');
    assert.ok(report.results.some((r: { rule: string; result: string }) => r.rule === 'image-registry-not-allowed' && r.result === 'fail'));
    assert.equal((await runCli(['scan', 'examples/workloads/careless', '--config', config, '--fail-on', 'high'])).code, 1, 'the flag wins');

    writeFileSync(config, 'apiVersion: gatehouse.dev/v1alpha1\nkind: ScanConfiguration\nrules:\n  severity:\n    no-such-rule: high\n');
    const bad = await runCli(['scan', 'examples/workloads', '--config', config]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /rules\.severity\.no-such-rule/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the exit code follows results as they arrive: input errors win, then failures at or above --fail-on', () => {
  const result = (overrides: Partial<PolicyResult>): PolicyResult => ({ policy: 'p', rule: 'r', result: 'pass', severity: 'high', message: 'm', ...overrides });
  const codeFor = (failOn: 'none' | 'low' | 'high', ...batches: PolicyResult[][]): number => {
    const exit = new ExitCode(failOn);
    for (const batch of batches) exit.add(batch);
    return exit.code;
  };
  assert.equal(codeFor('high'), 0);
  assert.equal(codeFor('high', [result({ result: 'fail', severity: 'medium' }), result({ result: 'warn', severity: 'critical' })]), 0);
  assert.equal(codeFor('high', [result({})], [result({ result: 'fail', severity: 'high' })]), 1);
  assert.equal(codeFor('high', [result({ result: 'error', severity: 'critical' })]), 1, 'an evaluation error fails closed');
  assert.equal(codeFor('low', [result({ result: 'fail', severity: 'low' })]), 1);
  assert.equal(codeFor('none', [result({ result: 'fail', severity: 'critical' })]), 0);
  const inputError = result({ policy: INPUT_POLICY, result: 'error', severity: 'high' });
  assert.equal(codeFor('none', [inputError]), 2);
  assert.equal(codeFor('high', [result({ result: 'fail', severity: 'critical' })], [inputError], [result({})]), 2);
});

test('junit and policyreport reports written with --output are complete and leave no temporary file', async () => {
  const dir = tempDir();
  try {
    const junit = join(dir, 'report.xml');
    assert.equal((await runCli(['scan', 'examples/workloads/', '--format', 'junit', '--output', junit, '--fail-on', 'none'])).code, 0);
    const xml = readFileSync(junit, 'utf8');
    const tests = Number(/<testsuites [^>]*tests="(\d+)"/.exec(xml)![1]);
    assert.ok(tests > 0);
    assert.equal(xml.match(/<testcase /g)!.length, tests, 'every counted test case is in the file');
    assert.ok(xml.endsWith('</testsuites>\n'));
    const reports = join(dir, 'reports.yaml');
    assert.equal((await runCli(['scan', 'examples/workloads/', '--format', 'policyreport', '--output', reports, '--fail-on', 'none'])).code, 0);
    const yaml = readFileSync(reports, 'utf8');
    assert.match(yaml, /^---\napiVersion: "wgpolicyk8s.io\/v1alpha2"\nkind: "ClusterPolicyReport"|^---\napiVersion: "wgpolicyk8s.io\/v1alpha2"\nkind: "PolicyReport"/);
    assert.deepEqual(readdirSync(dir).sort(), ['report.xml', 'reports.yaml']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('text lists input errors after the resources, and the JSON summary counts every streamed result', async () => {
  const dir = tempDir();
  try {
    const file = join(dir, 'mixed.yaml');
    writeFileSync(file, `kind: [broken\n---\n${PRIVILEGED_POD}`);
    const text = await runCli(['scan', file, '--fail-on', 'none']);
    assert.equal(text.code, 2);
    const resource = text.stdout.indexOf('Pod/apps/p');
    const inputErrors = text.stdout.indexOf('\nInput errors\n');
    assert.ok(resource > 0 && inputErrors > resource, text.stdout);
    assert.match(text.stdout, /1 resource \(0 without findings\), .* 1 error\n$/);
    const report = JSON.parse((await runCli(['scan', file, '--format', 'json', '--fail-on', 'none'])).stdout);
    for (const status of ['pass', 'fail', 'warn', 'skip', 'error']) {
      assert.equal(report.summary[status], report.results.filter((r: { result: string }) => r.result === status).length, status);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--policy evaluates Kyverno and ValidatingAdmissionPolicy files alongside the built-in policies', async () => {
  const dir = tempDir();
  try {
    const policy = join(dir, 'policy.yaml');
    writeFileSync(policy, [
      'apiVersion: admissionregistration.k8s.io/v1',
      'kind: ValidatingAdmissionPolicy',
      'metadata: {name: max-replicas}',
      'spec:',
      '  matchConstraints:',
      '    resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}]',
      '  validations:',
      '  - expression: object.spec.replicas <= 2',
      '    message: at most 2 replicas',
      '---',
      'apiVersion: policies.kyverno.io/v1alpha1',
      'kind: MutatingPolicy',
      'metadata: {name: add-labels}',
      'spec: {}',
      '',
    ].join('\n'));
    const { code, stdout } = await runCli(['scan', 'examples/workloads/hardened', '--policy', policy, '--format', 'json', '--fail-on', 'none']);
    assert.equal(code, 0);
    const report = JSON.parse(stdout);
    const vap = report.results.find((r: { policy: string; resource: { kind: string } | null }) => r.policy === 'max-replicas' && r.resource?.kind === 'Deployment');
    assert.equal(vap.result, 'fail');
    assert.equal(vap.message, 'at most 2 replicas');
    const unsupported = report.results.find((r: { rule: string }) => r.rule === 'unsupported');
    assert.equal(unsupported.result, 'error');
    assert.match(unsupported.message, /MutatingPolicy "add-labels" is not evaluated/);

    // A policy about who makes the request has nothing to judge in manifests: left out, and named on stderr.
    const identity = await runCli(['scan', 'examples/workloads/hardened', '--policy', 'examples/admission', '--format', 'json', '--fail-on', 'none']);
    assert.equal(identity.code, 0, identity.stderr);
    assert.match(identity.stderr, /skipped 1 policies about who makes a request .*: prod-deployments-from-release-workflow/);
    assert.ok(!JSON.parse(identity.stdout).results.some((r: { policy: string }) => r.policy === 'prod-deployments-from-release-workflow'));

    writeFileSync(policy, 'apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\nmetadata: {name: broken}\nspec:\n  matchConstraints:\n    resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}]\n  validations:\n  - expression: object.spec.replicas <=\n');
    const broken = await runCli(['scan', 'examples/workloads/hardened', '--policy', policy]);
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /policy\.yaml:\d+: .*broken.*spec\.validations\[0\]\.expression/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
