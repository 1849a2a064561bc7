// Builders for the built-in rule tests: a pod spec wrapped in each kind that carries one, and a runner that
// returns one rule's outcomes.
import type { KubeObject } from '../../../src/kube/object.js';
import type { RuleOutcome } from '../../../src/policy/policy.js';
import { createBuiltinPolicy } from '../../../src/policy/builtin/policy.js';
import type { BuiltinPolicyOptions } from '../../../src/policy/builtin/options.js';

export type Spec = Record<string, unknown>;

/** A compliant container; override fields per test. */
export function container(overrides: Spec = {}): Spec {
  return {
    name: 'app',
    image: 'ghcr.io/acme/app:1.0@sha256:' + 'a'.repeat(64),
    resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
    securityContext: { readOnlyRootFilesystem: true },
    ...overrides,
  };
}

/** A compliant pod spec; override fields per test. */
export function podSpec(overrides: Spec = {}): Spec {
  return { serviceAccountName: 'app', automountServiceAccountToken: false, containers: [container()], ...overrides };
}

const LABELS = { 'app.kubernetes.io/name': 'app' };

export function pod(spec: Spec = podSpec(), metadata: Spec = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'app', namespace: 'shop', labels: LABELS, ...metadata }, spec };
}

/** The same pod spec in every kind that carries a pod template, with the spec's path in each. */
export function workloads(spec: Spec = podSpec(), metadata: Spec = {}): { object: KubeObject; specPath: string }[] {
  const meta = { name: 'app', namespace: 'shop', labels: LABELS, ...metadata };
  const template = { metadata: { labels: LABELS }, spec };
  const owner = (apiVersion: string, kind: string) => ({ apiVersion, kind, metadata: meta, spec: { selector: { matchLabels: LABELS }, template } });
  return [
    { object: pod(spec, metadata), specPath: 'spec' },
    { object: owner('apps/v1', 'Deployment'), specPath: 'spec.template.spec' },
    { object: owner('apps/v1', 'ReplicaSet'), specPath: 'spec.template.spec' },
    { object: owner('apps/v1', 'StatefulSet'), specPath: 'spec.template.spec' },
    { object: owner('apps/v1', 'DaemonSet'), specPath: 'spec.template.spec' },
    { object: owner('batch/v1', 'Job'), specPath: 'spec.template.spec' },
    { object: owner('v1', 'ReplicationController'), specPath: 'spec.template.spec' },
    { object: { apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta, spec: { schedule: '* * * * *', jobTemplate: { spec: { template } } } }, specPath: 'spec.jobTemplate.spec.template.spec' },
    { object: { apiVersion: 'v1', kind: 'PodTemplate', metadata: meta, template }, specPath: 'template.spec' },
  ];
}

export function service(spec: Spec, metadata: Spec = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop', labels: LABELS, ...metadata }, spec };
}

export function ingress(spec: Spec, metadata: Spec = {}): KubeObject {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: 'shop', labels: LABELS, ...metadata }, spec };
}

/** All outcomes of the built-in policy for the object. */
export function evaluate(object: KubeObject, options: BuiltinPolicyOptions = {}, request?: Record<string, unknown>): RuleOutcome[] {
  const outcomes = createBuiltinPolicy(options).evaluate({ object, operation: 'CREATE', ...(request && { request }) });
  if (!Array.isArray(outcomes)) throw new Error('the built-in policy evaluates synchronously');
  return outcomes;
}

/** Outcomes of one rule, reduced to result and message. */
export function outcomesOf(rule: string, object: KubeObject, options: BuiltinPolicyOptions = {}): { result: string; message: string }[] {
  return evaluate(object, options).filter((o) => o.rule === rule).map(({ result, message }) => ({ result, message }));
}

export function pathsOf(rule: string, object: KubeObject, options: BuiltinPolicyOptions = {}): unknown[] {
  return evaluate(object, options).filter((o) => o.rule === rule && o.result === 'fail').map((o) => o.properties?.path);
}
