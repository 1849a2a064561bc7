import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PolicyEngine } from '../../src/policy/engine.js';
import type { EvaluationInput, Policy } from '../../src/policy/policy.js';
import type { KubeObject } from '../../src/kube/object.js';

/** A policy that fails `no-foo` when the object has a `foo` label and passes `always` — enough to drive the engine. */
const labelPolicy: Policy = {
  name: 'labels',
  rules: [
    { id: 'no-foo', severity: 'high', description: 'no foo label', remediation: 'remove foo', category: 'Test' },
    { id: 'always', severity: 'low', description: 'always passes' },
  ],
  evaluate: (input: EvaluationInput) => [
    { rule: 'no-foo', result: input.object.metadata.labels?.foo ? 'fail' : 'pass', message: 'foo label present' },
    { rule: 'always', result: 'pass', message: 'ok' },
  ],
};

const throwingPolicy: Policy = {
  name: 'broken',
  rules: [{ id: 'boom', severity: 'medium', description: 'throws' }],
  evaluate: () => {
    throw new Error('kaboom');
  },
};

function pod(annotations: Record<string, string> = {}, labels: Record<string, string> = { foo: 'x' }): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', labels, annotations }, spec: {} };
}

const evaluate = (engine: PolicyEngine, object: KubeObject) => engine.evaluate({ object, operation: 'CREATE', source: { file: 'f.yaml', line: 3 } });

test('outcomes become results with rule metadata, resource and source', async () => {
  const [fail, pass] = await evaluate(new PolicyEngine([labelPolicy]), pod());
  assert.deepEqual(fail, {
    policy: 'labels', rule: 'no-foo', result: 'fail', severity: 'high', message: 'foo label present',
    resource: { apiVersion: 'v1', kind: 'Pod', namespace: 'ns', name: 'p' }, source: { file: 'f.yaml', line: 3 },
    category: 'Test', remediation: 'remove foo',
  });
  assert.equal(pass!.result, 'pass');
});

test('rule settings disable rules and override severities by rule ID or policy/rule', async () => {
  const engine = new PolicyEngine([labelPolicy], { disabled: new Set(['always']), severity: new Map([['labels/no-foo', 'critical' as const]]) });
  const results = await evaluate(engine, pod());
  assert.deepEqual(results.map((r) => [r.rule, r.severity]), [['no-foo', 'critical']]);
});

test('a justified exemption turns a failure into a skip carrying the justification', async () => {
  const results = await evaluate(new PolicyEngine([labelPolicy]), pod({ 'gatehouse.dev/exempt': 'no-foo', 'gatehouse.dev/justification': 'SEC-1: legacy' }));
  const r = results.find((x) => x.rule === 'no-foo')!;
  assert.equal(r.result, 'skip');
  assert.equal(r.justification, 'SEC-1: legacy');
  assert.match(r.message, /^exempted \(SEC-1: legacy\)/);
});

test('exemptions match a rule ID, policy/rule, or a whole policy', async () => {
  for (const entry of ['no-foo', 'labels/no-foo', 'labels']) {
    const results = await evaluate(new PolicyEngine([labelPolicy]), pod({ 'gatehouse.dev/exempt': ` ${entry} `, 'gatehouse.dev/justification': 'why' }));
    assert.equal(results.find((x) => x.rule === 'no-foo')!.result, 'skip', entry);
  }
});

test('an exemption without a justification exempts nothing and is a finding', async () => {
  const results = await evaluate(new PolicyEngine([labelPolicy]), pod({ 'gatehouse.dev/exempt': 'no-foo', 'gatehouse.dev/justification': '  ' }));
  assert.equal(results.find((x) => x.rule === 'no-foo')!.result, 'fail');
  const finding = results.find((x) => x.rule === 'exemption-requires-justification')!;
  assert.equal(finding.result, 'fail');
  assert.equal(finding.policy, 'gatehouse-exemptions');
});

test('an exemption naming an unknown rule is a warning', async () => {
  const results = await evaluate(new PolicyEngine([labelPolicy]), pod({ 'gatehouse.dev/exempt': 'no-fo', 'gatehouse.dev/justification': 'why' }));
  const finding = results.find((x) => x.rule === 'exemption-names-unknown-rule')!;
  assert.equal(finding.result, 'warn');
  assert.match(finding.message, /"no-fo"/);
});

test('a policy that throws yields an error result instead of silently passing', async () => {
  const [r] = await evaluate(new PolicyEngine([throwingPolicy]), pod());
  assert.equal(r!.result, 'error');
  assert.match(r!.message, /policy broken failed to evaluate: kaboom/);
});

test('rules() lists every rule with its policy, including the exemption rules', () => {
  const ids = new PolicyEngine([labelPolicy]).rules().map((r) => `${r.policy}/${r.rule.id}`);
  assert.deepEqual(ids, ['labels/no-foo', 'labels/always', 'gatehouse-exemptions/exemption-requires-justification', 'gatehouse-exemptions/exemption-names-unknown-rule']);
});

const claimed = { 'gatehouse.dev/exempt': 'no-foo', 'gatehouse.dev/justification': 'SEC-1: legacy' };

test('exemptions: ignore judges the object in full and warns that its exemption was not accepted', async () => {
  const engine = new PolicyEngine([labelPolicy], {}, { exemptions: 'ignore' });
  const results = await evaluate(engine, pod(claimed));
  assert.equal(results.find((x) => x.rule === 'no-foo')!.result, 'fail');
  const warning = results.find((x) => x.rule === 'exemption-not-accepted')!;
  assert.equal(warning.policy, 'gatehouse-exemptions');
  assert.equal(warning.result, 'warn');
  assert.match(warning.message, /gatehouse\.dev\/exempt \("no-foo"\) is ignored: exemptions are not accepted from this source/);
  assert.ok(!results.some((x) => x.rule === 'exemption-requires-justification'), 'an ignored exemption needs no justification');
  assert.ok(engine.rules().some((r) => r.rule.id === 'exemption-not-accepted'));
});

test('exemptions: ignore says nothing about objects that claim no exemption', async () => {
  const results = await evaluate(new PolicyEngine([labelPolicy], {}, { exemptions: 'ignore' }), pod({ 'gatehouse.dev/justification': 'no exempt annotation' }));
  assert.deepEqual(results.map((x) => x.rule), ['no-foo', 'always']);
});

test('exemptions: a function decides per input, e.g. by the requester\'s groups', async () => {
  const trusted = (input: EvaluationInput) => input.userInfo?.groups?.includes('platform-admins') === true;
  const engine = new PolicyEngine([labelPolicy], {}, { exemptions: trusted });
  const judge = (groups: string[]) => engine.evaluate({ object: pod(claimed), operation: 'CREATE', userInfo: { username: 'u@example.com', groups } });
  const admin = await judge(['platform-admins']);
  assert.equal(admin.find((x) => x.rule === 'no-foo')!.result, 'skip');
  assert.ok(!admin.some((x) => x.rule === 'exemption-not-accepted'));
  const developer = await judge(['developers']);
  assert.equal(developer.find((x) => x.rule === 'no-foo')!.result, 'fail');
  assert.match(developer.find((x) => x.rule === 'exemption-not-accepted')!.message, /not accepted from user "u@example\.com"/);
});

test('exemptions: honor is the default and lists no not-accepted rule', async () => {
  const engine = new PolicyEngine([labelPolicy], {}, { exemptions: 'honor' });
  assert.equal((await evaluate(engine, pod(claimed))).find((x) => x.rule === 'no-foo')!.result, 'skip');
  assert.ok(!engine.rules().some((r) => r.rule.id === 'exemption-not-accepted'));
});
