// Pods and every workload controller that stamps pods out of a template, with a restricted-compliant or an
// insecure pod spec.
import type { KubeObject } from '../../../src/kube/object.js';

export function restrictedSpec(): Record<string, unknown> {
  return {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{
      name: 'app',
      image: 'registry.example.com/app:1.0',
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
    }],
  };
}

export function privilegedSpec(): Record<string, unknown> {
  return {
    hostNetwork: true,
    containers: [{ name: 'app', image: 'nginx:1.27', securityContext: { privileged: true } }],
  };
}

/** A spec that violates nothing in baseline but several restricted checks. */
export function baselineOnlySpec(): Record<string, unknown> {
  return { containers: [{ name: 'app', image: 'nginx:1.27' }] };
}

const template = (spec: Record<string, unknown>) => ({ metadata: { labels: { app: 'web' } }, spec });
const selector = { matchLabels: { app: 'web' } };

/** One object per kind that carries a pod spec, all named `web` in namespace `team-a`. */
export function workloads(spec: () => Record<string, unknown>, namespace = 'team-a'): KubeObject[] {
  const metadata = () => ({ name: 'web', namespace, labels: { app: 'web' } });
  return [
    { apiVersion: 'v1', kind: 'Pod', metadata: metadata(), spec: spec() },
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: metadata(), spec: { replicas: 2, selector, template: template(spec()) } },
    { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: metadata(), spec: { selector, template: template(spec()) } },
    { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: metadata(), spec: { serviceName: 'web', selector, template: template(spec()) } },
    { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: metadata(), spec: { selector, template: template(spec()) } },
    { apiVersion: 'batch/v1', kind: 'Job', metadata: metadata(), spec: { template: template({ ...spec(), restartPolicy: 'Never' }) } },
    { apiVersion: 'batch/v1', kind: 'CronJob', metadata: metadata(), spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: template({ ...spec(), restartPolicy: 'OnFailure' }) } } } },
    { apiVersion: 'v1', kind: 'ReplicationController', metadata: metadata(), spec: { selector: { app: 'web' }, template: template(spec()) } },
    { apiVersion: 'v1', kind: 'PodTemplate', metadata: metadata(), template: template(spec()) },
  ];
}
