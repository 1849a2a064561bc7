import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/kube/object.js';
import { ObjectIndex } from '../../../src/kube/matching/object-index.js';
import { parseVap, parseVapBinding, type VapBindingSpec, type VapSpec } from '../../../src/policy/vap/parse.js';
import { createValidatingAdmissionPolicy } from '../../../src/policy/vap/policy.js';
import { AggregateProgramError } from '../../../src/policy/vap/program.js';
import type { EvaluationInput, RuleOutcome } from '../../../src/policy/policy.js';

function vap(spec: Record<string, unknown>, name = 'replica-limit'): VapSpec {
  const parsed = parseVap({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name }, spec });
  if (!parsed.ok) assert.fail(parsed.errors.join('\n'));
  return parsed.value;
}

function binding(spec: Record<string, unknown>, name = 'b'): VapBindingSpec {
  const parsed = parseVapBinding({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name }, spec });
  if (!parsed.ok) assert.fail(parsed.errors.join('\n'));
  return parsed.value;
}

const deploymentsRule = { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'], operations: ['CREATE', 'UPDATE'] }] };

function deployment(replicas: number, labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'shop', labels }, spec: { replicas } };
}

function run(policy: ReturnType<typeof createValidatingAdmissionPolicy>, input: Partial<EvaluationInput> & { object: KubeObject }): RuleOutcome[] {
  return policy.evaluate({ operation: 'CREATE', ...input }) as RuleOutcome[];
}

const replicaPolicy = vap({
  matchConstraints: deploymentsRule,
  variables: [{ name: 'replicas', expression: 'object.spec.replicas' }, { name: 'tooMany', expression: 'variables.replicas > 5' }],
  validations: [
    { expression: '!variables.tooMany', messageExpression: "'replicas ' + string(variables.replicas) + ' exceed 5'", reason: 'Forbidden' },
    { expression: "has(object.metadata.labels) && 'team' in object.metadata.labels", message: 'a team label is required' },
  ],
});

test('validations pass and fail with message, messageExpression and reason; composed variables', () => {
  const policy = createValidatingAdmissionPolicy(replicaPolicy, { bindings: [binding({ policyName: 'replica-limit', validationActions: ['Deny'] })] });
  assert.deepEqual(policy.rules.map((r) => r.id), ['validations[0]', 'validations[1]']);
  const outcomes = run(policy, { object: deployment(9) });
  assert.deepEqual(outcomes.map((o) => [o.rule, o.result, o.message]), [
    ['validations[0]', 'fail', 'replicas 9 exceed 5'],
    ['validations[1]', 'fail', 'a team label is required'],
  ]);
  assert.equal(outcomes[0]!.properties?.reason, 'Forbidden');
  assert.deepEqual(run(policy, { object: deployment(2, { team: 'a' }) }).map((o) => o.result), ['pass', 'pass']);
});

test('objects outside matchConstraints get one skip outcome', () => {
  const policy = createValidatingAdmissionPolicy(replicaPolicy);
  const outcomes = run(policy, { object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'a' } } });
  assert.equal(outcomes.length, 1);
  assert.deepEqual([outcomes[0]!.rule, outcomes[0]!.result], ['*', 'skip']);
});

test('validationActions: Warn gives warn, Audit only gives a marked warn', () => {
  const warn = createValidatingAdmissionPolicy(replicaPolicy, { bindings: [binding({ policyName: 'replica-limit', validationActions: ['Warn'] })] });
  assert.equal(run(warn, { object: deployment(9, { team: 'a' }) })[0]!.result, 'warn');
  const audit = createValidatingAdmissionPolicy(replicaPolicy, { bindings: [binding({ policyName: 'replica-limit', validationActions: ['Audit'] })] });
  const [outcome] = run(audit, { object: deployment(9, { team: 'a' }) });
  assert.equal(outcome!.result, 'warn');
  assert.match(outcome!.message, /^audit: replicas 9/);
  assert.equal(outcome!.properties?.violation, true);
});

test('matchConditions: false means the policy does not apply; an error fails closed under failurePolicy Fail', () => {
  const spec = vap({
    matchConstraints: deploymentsRule,
    matchConditions: [{ name: 'not-system', expression: "object.metadata.namespace != 'kube-system'" }, { name: 'has-replicas', expression: 'object.spec.replicas >= 0' }],
    validations: [{ expression: 'object.spec.replicas <= 5' }],
  });
  const policy = createValidatingAdmissionPolicy(spec);
  const system = { ...deployment(9), metadata: { name: 'x', namespace: 'kube-system' } };
  assert.deepEqual(run(policy, { object: system }).map((o) => o.result), ['skip']);
  const broken = { ...deployment(9), spec: {} };
  assert.deepEqual(run(policy, { object: broken }).map((o) => o.result), ['error']);
  const ignoring = createValidatingAdmissionPolicy({ ...spec, program: { ...spec.program, failurePolicy: 'Ignore' } });
  assert.deepEqual(run(ignoring, { object: broken }).map((o) => o.result), ['skip']);
  assert.equal(run(policy, { object: deployment(9) })[0]!.message, 'failed expression: object.spec.replicas <= 5');
});

test('params come from paramRef (name or selector) in the lookup; parameterNotFoundAction decides when absent', () => {
  const spec = vap({
    paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
    matchConstraints: deploymentsRule,
    validations: [{ expression: 'object.spec.replicas <= int(params.data.maxReplicas)', messageExpression: "'at most ' + params.data.maxReplicas" }],
  });
  const lookup = new ObjectIndex([
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'limits', namespace: 'shop', labels: { limits: 'yes' } }, data: { maxReplicas: '3' } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'limits2', namespace: 'shop', labels: { limits: 'yes' } }, data: { maxReplicas: '10' } },
  ]);
  const byName = createValidatingAdmissionPolicy(spec, { lookup, bindings: [binding({ policyName: 'replica-limit', validationActions: ['Deny'], paramRef: { name: 'limits' } })] });
  const [outcome] = run(byName, { object: deployment(4) });
  assert.deepEqual([outcome!.result, outcome!.message, outcome!.properties?.params], ['fail', 'at most 3', 'ConfigMap/shop/limits']);
  const bySelector = createValidatingAdmissionPolicy(spec, { lookup, bindings: [binding({ policyName: 'replica-limit', validationActions: ['Deny'], paramRef: { selector: { matchLabels: { limits: 'yes' } } } })] });
  assert.deepEqual(run(bySelector, { object: deployment(4) }).map((o) => o.result), ['fail', 'pass']);
  const missingDeny = createValidatingAdmissionPolicy(spec, { lookup, bindings: [binding({ policyName: 'replica-limit', validationActions: ['Deny'], paramRef: { name: 'nope' } })] });
  assert.deepEqual(run(missingDeny, { object: deployment(4) }).map((o) => o.result), ['error']);
  const missingAllow = createValidatingAdmissionPolicy(spec, { lookup, bindings: [binding({ policyName: 'replica-limit', validationActions: ['Deny'], paramRef: { name: 'nope', parameterNotFoundAction: 'Allow' } })] });
  assert.deepEqual(run(missingAllow, { object: deployment(4) }).map((o) => o.result), ['skip']);
});

test('binding matchResources narrows the policy', () => {
  const policy = createValidatingAdmissionPolicy(replicaPolicy, {
    bindings: [binding({ policyName: 'replica-limit', validationActions: ['Deny'], matchResources: { namespaceSelector: { matchLabels: { env: 'prod' } } } })],
  });
  assert.deepEqual(run(policy, { object: deployment(9) }).map((o) => o.result), ['skip']);
  const prod = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { env: 'prod' } } };
  assert.deepEqual(run(policy, { object: deployment(9), namespaceObject: prod }).map((o) => o.result), ['fail', 'fail']);
});

test('request, oldObject and userInfo are visible to expressions', () => {
  const spec = vap({
    matchConstraints: deploymentsRule,
    validations: [{ expression: "request.operation != 'UPDATE' || object.spec.replicas >= oldObject.spec.replicas", message: 'no scaling down' },
      { expression: "!request.userInfo.username.startsWith('system:serviceaccount:')", message: 'no service accounts' }],
  });
  const policy = createValidatingAdmissionPolicy(spec);
  const outcomes = run(policy, { object: deployment(2), oldObject: deployment(5), operation: 'UPDATE', userInfo: { username: 'system:serviceaccount:ci:deployer' } });
  assert.deepEqual(outcomes.map((o) => o.result), ['fail', 'fail']);
});

test('a hostile object cannot stall evaluation: the cost budget turns it into an error', () => {
  const spec = vap({
    matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], operations: ['*'] }] },
    validations: [{ expression: 'object.spec.containers.all(a, object.spec.containers.all(b, a.name != b.name || a == b))' }],
  });
  const containers = Array.from({ length: 10_000 }, (_, i) => ({ name: `c${i}`, image: 'x'.repeat(100) }));
  const [outcome] = run(createValidatingAdmissionPolicy(spec), { object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'a' }, spec: { containers } } });
  assert.equal(outcome!.result, 'error');
  assert.match(outcome!.message, /cost/);
});

test('compile errors name the field path and the expression position', () => {
  const spec = vap({ matchConstraints: deploymentsRule, validations: [{ expression: 'object.spec.replicas >' }, { expression: "'a' + 1 == 'b'" }] });
  assert.throws(() => createValidatingAdmissionPolicy(spec), (error: unknown) => {
    assert.ok(error instanceof AggregateProgramError);
    assert.equal(error.errors.length, 2);
    assert.match(error.errors[0]!.message, /^spec\.validations\[0\]\.expression: 1:\d+: /);
    assert.match(error.errors[1]!.message, /^spec\.validations\[1\]\.expression: /);
    return true;
  });
});

test('authorizer needs a cluster: reported as an error, not passed', () => {
  const spec = vap({ matchConstraints: deploymentsRule, validations: [{ expression: "authorizer.group('apps').resource('deployments').check('scale').allowed()" }] });
  const [outcome] = run(createValidatingAdmissionPolicy(spec), { object: deployment(1) });
  assert.equal(outcome!.result, 'error');
  assert.match(outcome!.message, /authorizer.*live cluster/);
});

test('invalid documents are rejected with field paths', () => {
  const parsed = parseVap({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name: 'x' },
    spec: { validations: [{ message: 'no expression' }], failurePolicy: 'Sometimes', variables: [{ name: 'bad-name', expression: '1' }] } });
  assert.equal(parsed.ok, false);
  if (!parsed.ok) {
    assert.ok(parsed.errors.includes('spec.matchConstraints.resourceRules: is required'));
    assert.ok(parsed.errors.includes('spec.validations[0].expression: must be a non-empty string'));
    assert.ok(parsed.errors.includes('spec.failurePolicy: must be Fail or Ignore'));
    assert.ok(parsed.errors.includes('spec.variables[0].name: "bad-name" is not a valid CEL identifier'));
  }
  const b = parseVapBinding({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: 'b' },
    spec: { policyName: 'x', validationActions: ['Deny', 'Warn'] } });
  assert.deepEqual(b.ok ? [] : b.errors, ['spec.validationActions: Deny and Warn may not be used together']);
});

test('Role and ClusterRole rules are served as null when unset; other null fields are absent', () => {
  const spec = vap({
    matchConstraints: { resourceRules: [{ apiGroups: ['rbac.authorization.k8s.io', ''], apiVersions: ['v1'], resources: ['roles', 'clusterroles', 'configmaps'], operations: ['CREATE'] }] },
    validations: [{ expression: "object.kind == 'ConfigMap' ? !has(object.data) : (has(object.rules) && object.rules == null)" }],
  }, 'rules');
  const policy = createValidatingAdmissionPolicy(spec);
  const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r', namespace: 'shop' } };
  assert.deepEqual(run(policy, { object: role }).map((o) => o.result), ['pass']);
  assert.deepEqual(run(policy, { object: { ...role, rules: null } as KubeObject }).map((o) => o.result), ['pass']);
  assert.deepEqual(run(policy, { object: { ...role, kind: 'ClusterRole', metadata: { name: 'c' } } }).map((o) => o.result), ['pass']);
  assert.deepEqual(run(policy, { object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'shop' }, data: null } as KubeObject }).map((o) => o.result), ['pass']);
  assert.deepEqual(run(policy, { object: { ...role, rules: [{ verbs: ['get'] }] } as KubeObject }).map((o) => o.result), ['fail']);
});

test('policies judging the same input share common variables, but never ones that read params or other variables', () => {
  const limit = (name: string, max: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'shop' }, data: { max } });
  const lookup = new ObjectIndex([limit('low', '3'), limit('high', '10')]);
  const spec = (name: string) => vap({
    paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
    matchConstraints: deploymentsRule,
    variables: [
      { name: 'replicas', expression: name === 'a' ? 'object.spec.replicas' : '(object.spec\n  .replicas)' },
      { name: 'max', expression: 'int(params.data.max)' },
      { name: 'over', expression: 'variables.replicas > variables.max' },
    ],
    validations: [{ expression: '!variables.over', messageExpression: "'over ' + string(variables.max)" }],
  }, name);
  const policies = ['a', 'b'].map((name, i) => createValidatingAdmissionPolicy(spec(name), {
    lookup, bindings: [binding({ policyName: name, validationActions: ['Deny'], paramRef: { name: i === 0 ? 'low' : 'high' } })],
  }));
  const input: EvaluationInput = { object: deployment(5), operation: 'CREATE' };
  const outcomes = policies.map((p) => p.evaluate(input) as RuleOutcome[]);
  assert.deepEqual(outcomes.map((o) => [o[0]!.result, o[0]!.message]), [['fail', 'over 3'], ['pass', 'validation passed']]);
});

test('a policy about who makes the request is not one for background scans', () => {
  const about = (expression: string) => createValidatingAdmissionPolicy(vap({ matchConstraints: deploymentsRule, validations: [{ expression }] }));
  assert.equal(about('object.spec.replicas <= 5').background, true);
  assert.equal(about("request.userInfo.groups.exists(g, g == 'release')").background, false);
});
