import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BUILTIN_POLICY, BUILTIN_RULE_INFO, builtinRuleCatalog, createBuiltinPolicy } from '../../../src/policy/builtin/policy.js';
import { BUILTIN_RULES } from '../../../src/policy/builtin/registry.js';
import { PolicyEngine } from '../../../src/policy/engine.js';
import { SEVERITIES } from '../../../src/policy/result.js';
import { evaluate, ingress, podSpec, service, workloads } from './support.js';

const WORKLOAD_RULES = BUILTIN_RULES.filter((r) => r.appliesTo.includes('workload')).map((r) => r.id);

describe('gatehouse-builtin policy', () => {
  it('has a complete catalogue entry for every rule', () => {
    const ids = new Set<string>();
    for (const rule of BUILTIN_RULES) {
      assert.match(rule.id, /^[a-z0-9]+(-[a-z0-9]+)*$/, 'kebab-case ID');
      assert.ok(!ids.has(rule.id), `duplicate ${rule.id}`);
      ids.add(rule.id);
      assert.ok(SEVERITIES.includes(rule.severity));
      assert.ok(rule.description.length > 20 && (rule.remediation ?? '').length > 20 && (rule.category ?? '') !== '', rule.id);
      assert.match(rule.seed, /^00[0-4]$/);
      assert.ok(rule.appliesTo.length > 0);
    }
    assert.equal(createBuiltinPolicy().name, BUILTIN_POLICY);
    assert.deepEqual(BUILTIN_RULE_INFO.map((r) => r.id), [...ids]);
    assert.ok(BUILTIN_RULE_INFO.every((r) => !('check' in r) && !('seed' in r)), 'policy.rules carries metadata only');
    assert.deepEqual(builtinRuleCatalog().map((e) => `${e.policy}/${e.rule.id}`), [...ids].map((id) => `gatehouse-builtin/${id}`));
  });

  it('passes a hardened workload of every kind, one pass per applicable rule', () => {
    for (const { object } of workloads()) {
      const outcomes = evaluate(object, { allowedRegistries: ['ghcr.io/acme'] });
      assert.deepEqual(outcomes.map((o) => o.rule), WORKLOAD_RULES, object.kind);
      assert.ok(outcomes.every((o) => o.result === 'pass'), `${object.kind}: ${JSON.stringify(outcomes.filter((o) => o.result !== 'pass'))}`);
    }
  });

  it('names the field path of each kind in messages (CronJob included)', () => {
    const spec = podSpec({ containers: [{ name: 'web', image: 'nginx' }] });
    for (const { object, specPath } of workloads(spec)) {
      const messages = evaluate(object).filter((o) => o.rule === 'resource-limits').map((o) => o.message);
      assert.deepEqual(messages, [
        `container "web" (${specPath}.containers[0]) has no CPU limit`,
        `container "web" (${specPath}.containers[0]) has no memory limit`,
      ], object.kind);
    }
  });

  it('applies only the Service rules and metadata rules to a Service, and likewise for an Ingress', () => {
    assert.deepEqual(evaluate(service({ type: 'ClusterIP' })).map((o) => o.rule), ['default-namespace', 'required-labels', 'service-exposed-without-source-ranges']);
    const tls = { tls: [{ hosts: ['a.example.com'], secretName: 'a' }], rules: [{ host: 'a.example.com' }] };
    assert.deepEqual(evaluate(ingress(tls)).map((o) => o.rule), ['default-namespace', 'required-labels', 'ingress-without-tls']);
  });

  it('reports exactly one * skip for kinds no rule applies to', () => {
    const cases = [
      [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }, 'ConfigMap is not a workload, Service or Ingress; gatehouse-builtin does not apply'],
      [{ apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'k' } }, 'Service is not a workload, Service or Ingress; gatehouse-builtin does not apply'],
      [{ apiVersion: 'example.com/v1', kind: 'Ingress', metadata: { name: 'i' } }, 'Ingress is not a workload, Service or Ingress; gatehouse-builtin does not apply'],
      [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: {} }, 'Deployment has no pod template; gatehouse-builtin does not apply'],
      [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } }, 'Pod has no pod template; gatehouse-builtin does not apply'],
    ] as const;
    for (const [object, message] of cases) {
      assert.deepEqual(evaluate(object as never), [{ rule: '*', result: 'skip', message }]);
    }
  });

  it('rejects an invalid allow-list entry when the policy is created', () => {
    assert.throws(() => createBuiltinPolicy({ allowedRegistries: ['ghcr.io', 'nginx'] }), /allowed registry \[1\] "nginx": does not start with a registry host/);
  });

  it('works through the engine: severities, overrides, disabled rules and justified exemptions', async () => {
    const [{ object }] = workloads(podSpec({ containers: [{ name: 'web', image: 'nginx:latest', securityContext: { readOnlyRootFilesystem: true } }] }), {
      annotations: { 'gatehouse.dev/exempt': 'image-not-pinned-by-digest', 'gatehouse.dev/justification': 'TICKET-42 vendor image' },
    });
    const engine = new PolicyEngine([createBuiltinPolicy()], {
      disabled: new Set(['resource-requests']),
      severity: new Map([['gatehouse-builtin/image-latest-tag', 'critical' as const]]),
    });
    const results = await engine.evaluate({ object: object!, operation: 'CREATE', source: { file: 'pod.yaml', line: 1 } });
    assert.ok(!results.some((r) => r.rule === 'resource-requests'));
    const latest = results.find((r) => r.rule === 'image-latest-tag')!;
    assert.equal(latest.result, 'fail');
    assert.equal(latest.severity, 'critical');
    assert.equal(latest.category, 'Supply chain');
    assert.ok(latest.remediation);
    assert.deepEqual(latest.properties, { path: 'spec.containers[0].image' });
    const pinned = results.find((r) => r.rule === 'image-not-pinned-by-digest')!;
    assert.equal(pinned.result, 'skip');
    assert.equal(pinned.justification, 'TICKET-42 vendor image');
    assert.equal(results.find((r) => r.rule === 'resource-limits')!.severity, 'medium');
  });
});
