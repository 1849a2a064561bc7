// The webhook's own workload: namespace, identity and read-only RBAC, configuration, Deployment (replicated,
// spread, restricted), PodDisruptionBudget and Service.
import type { KubeObject } from '../../kube/object.js';
import { CONFIG_DIR, CONFIG_FILE, labelsOf, LISTEN_PORT, POLICY_DIR, TLS_DIR, type ManifestOptions } from './options.js';

function meta(options: ManifestOptions, name = options.name): Record<string, unknown> {
  return { name, namespace: options.namespace, labels: labelsOf(options) };
}

function rbac(options: ManifestOptions): KubeObject[] {
  const rules = [
    { apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list', 'watch'] },
    ...options.paramKinds.map((k) => ({ apiGroups: [k.group], resources: [k.plural], verbs: ['get', 'list', 'watch'] })),
  ];
  const clusterMeta = { name: options.name, labels: labelsOf(options) };
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(options) },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: clusterMeta, rules },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: clusterMeta,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: options.name },
      subjects: [{ kind: 'ServiceAccount', name: options.name, namespace: options.namespace }],
    },
  ];
}

/** Worker processes per replica: two cores' worth of policy evaluation, and a spare when one worker is replaced. */
const WORKERS = 2;

function probe(path: string, periodSeconds: number, failureThreshold: number): Record<string, unknown> {
  return { httpGet: { path, port: 'https', scheme: 'HTTPS' }, periodSeconds, timeoutSeconds: 2, failureThreshold };
}

function deployment(options: ManifestOptions, secretName: string): KubeObject {
  const selector = { 'app.kubernetes.io/name': options.name };
  const args = [
    'admission',
    `--listen=0.0.0.0:${LISTEN_PORT}`,
    `--tls-cert=${TLS_DIR}/tls.crt`,
    `--tls-key=${TLS_DIR}/tls.key`,
    `--policies=${POLICY_DIR}`,
    '--in-cluster',
    // Explicit: without a CPU limit a container sees every core of its node, and a worker per core would not fit the
    // memory limit below.
    `--workers=${WORKERS}`,
    ...(options.configText !== undefined ? [`--config=${CONFIG_DIR}/${CONFIG_FILE}`] : []),
  ];
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(options),
    spec: {
      replicas: options.replicas,
      selector: { matchLabels: selector },
      // Never fewer ready replicas than asked for during a rollout: the webhook sits in every write's path.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: labelsOf(options) },
        spec: {
          serviceAccountName: options.name,
          // Preferred, not required: a required rule would block the surge pod of a rollout on a two-node cluster.
          affinity: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: selector } } }],
            },
          },
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } }],
          securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
          terminationGracePeriodSeconds: 30,
          containers: [{
            name: 'gatehouse',
            image: options.image,
            args,
            ports: [{ name: 'https', containerPort: LISTEN_PORT, protocol: 'TCP' }],
            readinessProbe: probe('/readyz', 5, 2),
            livenessProbe: probe('/healthz', 10, 3),
            // Endpoints take a few seconds to drop a terminating pod; keep serving meanwhile.
            lifecycle: { preStop: { sleep: { seconds: 5 } } },
            resources: { requests: { cpu: '200m', memory: '384Mi' }, limits: { memory: '1Gi' } },
            securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
            volumeMounts: [
              { name: 'tls', mountPath: TLS_DIR, readOnly: true },
              { name: 'policies', mountPath: POLICY_DIR, readOnly: true },
              ...(options.configText !== undefined ? [{ name: 'config', mountPath: CONFIG_DIR, readOnly: true }] : []),
            ],
          }],
          volumes: [
            { name: 'tls', secret: { secretName } },
            { name: 'policies', configMap: { name: `${options.name}-policies` } },
            ...(options.configText !== undefined ? [{ name: 'config', configMap: { name: `${options.name}-config` } }] : []),
          ],
        },
      },
    },
  };
}

export function workloadManifests(options: ManifestOptions, secretName: string): KubeObject[] {
  const selector = { 'app.kubernetes.io/name': options.name };
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: options.namespace, labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'app.kubernetes.io/part-of': 'gatehouse' } },
    },
    ...rbac(options),
    ...(options.configText !== undefined ? [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(options, `${options.name}-config`), data: { [CONFIG_FILE]: options.configText } }] : []),
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(options, `${options.name}-policies`), data: options.policies },
    deployment(options, secretName),
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta(options),
      spec: { minAvailable: 1, selector: { matchLabels: selector } },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(options),
      spec: { selector, ports: [{ name: 'https', port: 443, targetPort: 'https', protocol: 'TCP' }] },
    },
  ];
}
