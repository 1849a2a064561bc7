// A fixed result set covering what formatters must get right: every status, Helm template sources, an exemption,
// an input error with no resource, cluster-scoped and unnamespaced objects, and hostile text (quotes, markup,
// control characters, terminal escapes, bidi overrides, YAML 1.1 booleans, non-BMP characters). As in a scan, the
// results of one resource are consecutive.
import type { RuleInfo } from '../../../src/policy/policy.js';
import type { PolicyResult } from '../../../src/policy/result.js';
import type { ReportInput } from '../../../src/report/report.js';

export const HOSTILE = 'a "quoted" <b>&amp;</b> \'x\' ]]> \u0001\u0008\u001b[31mred\u001b[0m \u0085\u009b \u202eevil\u202c \ufeff tab\there\nnewline \ud83d\ude80 \ud800';

const restricted = 'pod-security-restricted';
const builtin = 'gatehouse-workload';

export const RULES: { policy: string; rule: RuleInfo }[] = [
  { policy: restricted, rule: { id: 'runAsNonRoot', severity: 'high', description: 'Containers must run as a non-root user.',
    remediation: 'Set securityContext.runAsNonRoot: true.', category: 'Pod Security Standards (Restricted)',
    helpUri: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/' } },
  { policy: restricted, rule: { id: 'hostPathVolumes', severity: 'critical', description: 'HostPath volumes must be forbidden.',
    remediation: 'Use a PersistentVolumeClaim or emptyDir.', category: 'Pod Security Standards (Baseline)' } },
  { policy: builtin, rule: { id: 'image-digest', severity: 'medium', description: 'Images should be pinned by digest.',
    remediation: 'Reference images as repo@sha256:<digest>.', category: 'Supply chain' } },
  { policy: builtin, rule: { id: 'no', severity: 'low', description: 'A rule whose name YAML 1.1 reads as false.' } },
  { policy: builtin, rule: { id: 'default-namespace', severity: 'info', description: 'Workloads should not use the default namespace.' } },
];

const web = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' };
const helm = { apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: 'data', name: 'db' };
const unnamespaced = { apiVersion: 'batch/v1', kind: 'Job', name: 'migrate' };
const clusterRole = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'reader' };

const webSource = { file: 'manifests/careless app.yaml', line: 12 };
const helmSource = { file: 'rendered/chart.yaml', line: 40, template: 'mychart/templates/statefulset.yaml' };

export const RESULTS: PolicyResult[] = [
  { policy: restricted, rule: 'runAsNonRoot', result: 'fail', severity: 'high', resource: web, source: webSource,
    message: 'pod or container "app" must set securityContext.runAsNonRoot=true', category: 'Pod Security Standards (Restricted)',
    remediation: 'Set securityContext.runAsNonRoot: true.' },
  { policy: restricted, rule: 'hostPathVolumes', result: 'pass', severity: 'critical', resource: web, source: webSource, message: 'ok' },
  { policy: builtin, rule: 'image-digest', result: 'skip', severity: 'medium', resource: web, source: webSource,
    message: 'exempted (INC-42: vendor image): image "nginx:1.27" is not pinned by digest', justification: 'INC-42: vendor image' },
  { policy: builtin, rule: 'no', result: 'warn', severity: 'low', resource: web, source: webSource, message: HOSTILE,
    properties: { path: 'spec.template.spec.containers[0]', count: 2 } },
  { policy: builtin, rule: 'image-digest', result: 'error', severity: 'high', resource: web, source: webSource,
    message: 'policy gatehouse-workload failed to evaluate: boom' },
  { policy: restricted, rule: 'hostPathVolumes', result: 'fail', severity: 'critical', resource: helm, source: helmSource,
    message: 'hostPath volumes (volume "data")', remediation: 'Use a PersistentVolumeClaim or emptyDir.' },
  { policy: restricted, rule: 'runAsNonRoot', result: 'pass', severity: 'high', resource: helm, source: helmSource, message: 'ok' },
  { policy: builtin, rule: 'default-namespace', result: 'fail', severity: 'info', resource: unnamespaced,
    source: { file: 'manifests/job.yaml', line: 1 }, message: 'Job has no namespace' },
  { policy: restricted, rule: '*', result: 'skip', severity: 'info', resource: clusterRole, source: { file: 'manifests/rbac.yaml', line: 3 },
    message: 'ClusterRole has no pod template; pod-security-restricted does not apply' },
  { policy: 'gatehouse-input', rule: 'parse-error', result: 'error', severity: 'high', source: { file: 'manifests/broken.yaml', line: 7 },
    message: 'YAML: bad indentation of a mapping entry' },
];

export const GENERATED_AT = new Date('2025-01-02T03:04:05.678Z');

export function fixtureInput(overrides: Partial<ReportInput> = {}): ReportInput {
  return { results: RESULTS, rules: RULES, tool: { name: 'gatehouse', version: '0.1.0' }, inputs: ['manifests', 'rendered/chart.yaml'],
    generatedAt: GENERATED_AT, baseDir: '/repo', ...overrides };
}
