import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/kube/object.js';
import { ObjectIndex } from '../../../src/kube/matching/object-index.js';
import { createValidatingPolicy, parseValidatingPolicy } from '../../../src/policy/kyverno/validating-policy.js';
import type { RuleOutcome } from '../../../src/policy/policy.js';

function policy(spec: Record<string, unknown>, extra: Partial<KubeObject> = {}, lookup = new ObjectIndex()) {
  const parsed = parseValidatingPolicy({ apiVersion: 'policies.kyverno.io/v1', kind: 'ValidatingPolicy', metadata: { name: 'no-privileged' }, spec, ...extra });
  if (!parsed.ok) assert.fail(parsed.errors.join('\n'));
  return createValidatingPolicy(parsed.value, lookup);
}

const podsOnly = { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], operations: ['CREATE', 'UPDATE'] }] };
const noPrivileged = {
  validationActions: ['Audit'],
  matchConstraints: podsOnly,
  validations: [{ expression: 'object.spec.containers.all(c, !c.?securityContext.?privileged.orValue(false))', message: 'privileged containers are not allowed' }],
};
const podSpec = (privileged: boolean) => ({ containers: [{ name: 'app', image: 'nginx', securityContext: { privileged } }] });
const evaluate = (p: ReturnType<typeof policy>, object: KubeObject) => p.evaluate({ object, operation: 'CREATE' }) as RuleOutcome[];

test('a violation is a fail whatever the validationActions, which are recorded', () => {
  const [outcome] = evaluate(policy(noPrivileged), { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: podSpec(true) });
  assert.deepEqual([outcome!.rule, outcome!.result, outcome!.message], ['validations[0]', 'fail', 'privileged containers are not allowed']);
  assert.deepEqual(outcome!.properties?.validationActions, ['Audit']);
});

test('pod rules are auto-generated for controllers: Deployment and CronJob templates are judged', () => {
  const p = policy(noPrivileged);
  const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { metadata: {}, spec: podSpec(true) } } };
  const cronjob = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { jobTemplate: { spec: { template: { spec: podSpec(false) } } } } };
  assert.equal(evaluate(p, deployment)[0]!.result, 'fail');
  assert.equal(evaluate(p, cronjob)[0]!.result, 'pass');
  assert.equal(evaluate(p, { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } })[0]!.result, 'skip');
});

test('autogen is limited to spec.autogen.podControllers.controllers and off when the policy matches more than pods', () => {
  const onlyDeployments = policy({ ...noPrivileged, autogen: { podControllers: { controllers: ['deployments'] } } });
  const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { template: { spec: podSpec(true) } } };
  assert.equal(evaluate(onlyDeployments, job)[0]!.result, 'skip');
  const selective = policy({ ...noPrivileged, matchConstraints: { ...podsOnly, objectSelector: { matchLabels: { app: 'x' } } } });
  assert.equal(evaluate(selective, { ...job, kind: 'Deployment', apiVersion: 'apps/v1' })[0]!.result, 'skip');
});

test('the pod view keeps the controller namespace (object.metadata.namespace) and the template labels', () => {
  const p = policy({
    matchConstraints: podsOnly,
    validations: [{ expression: "object.metadata.namespace != 'default' && 'app' in object.metadata.?labels.orValue({})" }],
  });
  const ok = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'shop' }, spec: { template: { metadata: { labels: { app: 'x' } }, spec: podSpec(false) } } };
  assert.equal(evaluate(p, ok)[0]!.result, 'pass');
  assert.equal(evaluate(p, { ...ok, metadata: { name: 'd' } })[0]!.result, 'fail', 'no namespace means default');
});

test('resource.Get reads the lookup; namespaced policies only judge their namespace', () => {
  const lookup = new ObjectIndex([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'registries', namespace: 'kyverno' }, data: { allowed: 'ghcr.io/' } }]);
  const spec = {
    matchConstraints: podsOnly,
    variables: [{ name: 'allowed', expression: "resource.Get('v1', 'configmaps', 'kyverno', 'registries').data.allowed" }],
    validations: [{ expression: 'object.spec.containers.all(c, c.image.startsWith(variables.allowed))' }],
  };
  const p = policy(spec, {}, lookup);
  assert.equal(evaluate(p, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'a' }, spec: { containers: [{ name: 'a', image: 'ghcr.io/x' }] } })[0]!.result, 'pass');
  assert.equal(evaluate(p, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'a' }, spec: { containers: [{ name: 'a', image: 'docker.io/x' }] } })[0]!.result, 'fail');
  const missing = policy(spec);
  const [error] = evaluate(missing, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'a' }, spec: { containers: [{ name: 'a', image: 'x' }] } });
  assert.equal(error!.result, 'error');
  assert.match(error!.message, /not found among the inputs/);
  const namespaced = policy(spec, { kind: 'NamespacedValidatingPolicy', metadata: { name: 'n', namespace: 'team-a' } }, lookup);
  assert.equal(evaluate(namespaced, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'team-b' }, spec: {} })[0]!.result, 'skip');
});

test('functions that need a registry fail the evaluation with a reason instead of passing', () => {
  const p = policy({ matchConstraints: podsOnly, validations: [{ expression: "object.spec.containers.all(c, image.GetMetadata(c.image).config.User != 'root')" }] });
  const [outcome] = evaluate(p, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: podSpec(false) });
  assert.equal(outcome!.result, 'error');
  assert.match(outcome!.message, /registry access/);
});

test('JSON payload mode is rejected at load', () => {
  const parsed = parseValidatingPolicy({ apiVersion: 'policies.kyverno.io/v1alpha1', kind: 'ValidatingPolicy', metadata: { name: 'j' },
    spec: { evaluation: { mode: 'JSON' }, validations: [{ expression: 'true' }] } });
  assert.equal(parsed.ok, false);
});

test('policies judging the same pod view share their common variables and still judge independently', () => {
  const allContainers = (layout: string) => ({ name: 'allContainers', expression: `object.spec.containers +${layout}object.spec.?initContainers.orValue([])` });
  const privileged = policy({
    matchConstraints: podsOnly,
    variables: [allContainers(' ')],
    validations: [{ expression: 'variables.allContainers.all(c, !c.?securityContext.?privileged.orValue(false))' }],
  });
  const addsCapabilities = policy({
    matchConstraints: podsOnly,
    variables: [allContainers('\n  ')],
    // `add` is reached without `?.`: orValue returns it unchanged (cel-go semantics).
    validations: [{ expression: 'variables.allContainers.all(c, !has(c.securityContext) || !has(c.securityContext.capabilities) || c.securityContext.capabilities.add.orValue([]).size() == 0)' }],
  });
  const template = (init: Record<string, unknown>) => ({ metadata: {}, spec: { ...podSpec(false), initContainers: [{ name: 'init', image: 'busybox', ...init }] } });
  const deployment = (init: Record<string, unknown>): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: template(init) } });
  const judge = (object: KubeObject) => {
    const input = { object, operation: 'CREATE' as const };
    return [privileged, addsCapabilities].map((p) => (p.evaluate(input) as RuleOutcome[])[0]!.result);
  };
  assert.deepEqual(judge(deployment({})), ['pass', 'pass']);
  assert.deepEqual(judge(deployment({ securityContext: { privileged: true } })), ['fail', 'pass']);
  assert.deepEqual(judge(deployment({ securityContext: { capabilities: { add: ['NET_ADMIN'] } } })), ['pass', 'fail']);
});

test('background scans skip a policy that reads request.userInfo or that its author kept out of them', () => {
  assert.equal(policy(noPrivileged).background, true);
  const byUser = { ...noPrivileged, validations: [{ expression: "request.userInfo.username != 'intruder'" }] };
  assert.equal(policy(byUser).background, false);
  const byIndex = { ...noPrivileged, validations: [{ expression: 'request["userInfo"].groups.size() > 0' }] };
  assert.equal(policy(byIndex).background, false);
  const inMessage = { ...noPrivileged, validations: [{ expression: 'true', messageExpression: "'by ' + request.userInfo.username" }] };
  assert.equal(policy(inMessage).background, false);
  assert.equal(policy({ ...noPrivileged, evaluation: { background: { enabled: false } } }).background, false);
  // A variable named like a field of the request is not the request.
  assert.equal(policy({ ...noPrivileged, variables: [{ name: 'userInfo', expression: 'object.metadata.name' }] }).background, true);
});

test('a policy compiled after an object was converted for others reads what it needs of it as CEL values', () => {
  const lookup = new ObjectIndex();
  const first = policy(noPrivileged, {}, lookup);
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { ...podSpec(false), lateField: { count: 5 } } };
  const input = { object: pod, operation: 'CREATE' } as const;
  assert.equal((first.evaluate(input) as RuleOutcome[])[0]!.result, 'pass');
  // Compiled now: `lateField` was not among what policies read when the object above was converted.
  const late = policy({ ...noPrivileged, validations: [{ expression: 'object.spec.lateField.count == 5 && type(object.spec.lateField.count) == int' }] }, {}, lookup);
  assert.equal((late.evaluate(input) as RuleOutcome[])[0]!.result, 'pass');
  assert.equal((first.evaluate(input) as RuleOutcome[])[0]!.result, 'pass');
});
