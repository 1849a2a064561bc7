import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
