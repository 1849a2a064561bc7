import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const MAIN = resolve('src/cli/main.ts');
// The tests run the CLI from temporary folders, so tsx is named by its resolved location, not looked up from there.
const TSX = import.meta.resolve('tsx');
const CONFORMANCE = resolve('../shared/conformance/kyverno');

function gatehouse(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, ['--import', TSX, MAIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const POLICY = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: disallow-latest
spec:
  validationFailureAction: Enforce
  rules:
  - name: require-tag
    match:
      any:
      - resources:
          kinds: [Pod]
    celPreconditions:
    - name: not-updates
      expression: "request.operation != 'UPDATE'"
    validate:
      cel:
        expressions:
        - expression: "object.spec.containers.all(c, !c.image.endsWith(':latest'))"
          message: use a pinned tag
  - name: legacy-pattern
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      pattern:
        spec:
          containers:
          - image: "!*:latest"
`;

const RESOURCES = `apiVersion: v1
kind: Pod
metadata: {name: bad}
spec: {containers: [{name: a, image: 'nginx:latest'}]}
---
apiVersion: v1
kind: Pod
metadata: {name: good}
spec: {containers: [{name: a, image: 'nginx:1.27'}]}
---
apiVersion: v1
kind: Pod
metadata: {name: updated}
spec: {containers: [{name: a, image: 'nginx:latest'}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec: {template: {spec: {containers: [{name: a, image: 'nginx:latest'}]}}}
`;

const VALUES = `apiVersion: cli.kyverno.io/v1alpha1
kind: Values
policies:
- name: disallow-latest
  resources:
  - name: updated
    values:
      request.operation: UPDATE
`;

function testFile(results: string): string {
  return `apiVersion: cli.kyverno.io/v1alpha1
kind: Test
metadata: {name: latest}
policies: [../policy.yaml]
resources: [resources.yaml]
variables: values.yaml
results:
${results}`;
}

const MATCHING = `- {policy: disallow-latest, rule: require-tag, kind: Pod, resources: [bad], result: fail}
- {policy: disallow-latest, rule: require-tag, kind: Pod, resources: [good], result: pass}
- {policy: disallow-latest, rule: require-tag, kind: Pod, resources: [updated], result: skip}
- {policy: disallow-latest, rule: require-tag, kind: Deployment, resources: [shop/web], result: fail}
`;

function project(results: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-test-'));
  mkdirSync(join(dir, 'latest', '.kyverno-test'), { recursive: true });
  writeFileSync(join(dir, 'latest', 'policy.yaml'), POLICY);
  writeFileSync(join(dir, 'latest', '.kyverno-test', 'resources.yaml'), RESOURCES);
  writeFileSync(join(dir, 'latest', '.kyverno-test', 'values.yaml'), VALUES);
  writeFileSync(join(dir, 'latest', '.kyverno-test', 'kyverno-test.yaml'), testFile(results));
  return dir;
}

test('matching expectations (values operation, autogen rule names) exit 0 with the exact JSON shape', () => {
  const dir = project(MATCHING);
  try {
    const { code, stdout } = gatehouse(['test', '.', '--format', 'json'], dir);
    assert.equal(code, 0, stdout);
    const report = JSON.parse(stdout);
    assert.deepEqual(report.summary, { tests: 1, results: 4, matched: 4, mismatched: 0, unsupported: 0 });
    assert.equal(report.tests[0].file, 'latest/.kyverno-test/kyverno-test.yaml');
    assert.deepEqual(report.tests[0].results[3], { policy: 'disallow-latest', rule: 'require-tag', kind: 'Deployment', resource: 'shop/web', expected: 'fail', actual: 'fail', ok: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a mismatch and an unsupported rule exit 1 and are listed with expected, actual and message', () => {
  const dir = project(`${MATCHING}- {policy: disallow-latest, rule: require-tag, kind: Pod, resources: [good], result: fail}
- {policy: disallow-latest, rule: legacy-pattern, kind: Pod, resources: [bad], result: fail}
`);
  try {
    const { code, stdout } = gatehouse(['test', dir], dir);
    assert.equal(code, 1);
    assert.match(stdout, /mismatch: disallow-latest\/require-tag Pod\/good: expected fail, got pass: rule require-tag passed/);
    assert.match(stdout, /unsupported: disallow-latest\/legacy-pattern Pod\/bad: expected fail, got unsupported: rule legacy-pattern uses validate\.pattern \(JMESPath\)/);
    assert.match(stdout, /6 results: 4 matched, 1 mismatched, 1 unsupported/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('input errors exit 2 with a line naming the file', () => {
  const dir = project(MATCHING);
  try {
    writeFileSync(join(dir, 'latest', 'policy.yaml'), POLICY.replace("endsWith(':latest'))", "endsWith(':latest')"));
    const { code, stderr } = gatehouse(['test', '.'], dir);
    assert.equal(code, 2);
    assert.match(stderr, /policy\.yaml:1: ClusterPolicy\/disallow-latest: spec\.rules\[0\]\.validate\.cel\.expressions\[0\]\.expression: 1:\d+:/);
    assert.equal(gatehouse(['test', join(dir, 'missing')], dir).code, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the pod-security ValidatingPolicies of the Kyverno library pass their own tests where the CEL semantics agree', { skip: !existsSync(CONFORMANCE) && 'conformance data (../shared/conformance) is absent' }, () => {
  const { stdout } = gatehouse(['test', join(CONFORMANCE, 'pod-security-vpol/baseline'), '--format', 'json'], resolve('.'));
  const report = JSON.parse(stdout);
  assert.ok(report.summary.results > 300);
  assert.equal(report.summary.mismatched, 0);
});
