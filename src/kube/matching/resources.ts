// Maps between what a manifest says (apiVersion + kind) and what admission rules name (group, version, resource),
// for the built-in kinds. Offline there is no discovery API, so unknown kinds (custom resources) fall back to the
// API server's own default plural (lower-case kind + "s"/"es"/"ies") and are assumed namespaced when they carry a
// namespace.
import { groupOf, type KubeObject } from '../object.js';

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface GroupVersionResource {
  group: string;
  version: string;
  resource: string;
}

export interface ResourceInfo extends GroupVersionResource {
  kind: string;
  namespaced: boolean;
  /** False when the kind is not built in and the resource name was derived from the kind. */
  known: boolean;
}

interface BuiltinKind {
  resource: string;
  namespaced: boolean;
}

const NAMESPACED = true;
const CLUSTER = false;

/** Built-in kinds per group (`` is the core group). Served versions do not change the resource name. */
const BUILTIN: ReadonlyMap<string, ReadonlyMap<string, BuiltinKind>> = new Map(Object.entries({
  '': table({
    Pod: ['pods', NAMESPACED], Service: ['services', NAMESPACED], ConfigMap: ['configmaps', NAMESPACED],
    Secret: ['secrets', NAMESPACED], ServiceAccount: ['serviceaccounts', NAMESPACED], Namespace: ['namespaces', CLUSTER],
    Node: ['nodes', CLUSTER], PersistentVolume: ['persistentvolumes', CLUSTER],
    PersistentVolumeClaim: ['persistentvolumeclaims', NAMESPACED], Endpoints: ['endpoints', NAMESPACED],
    Event: ['events', NAMESPACED], LimitRange: ['limitranges', NAMESPACED], ResourceQuota: ['resourcequotas', NAMESPACED],
    ReplicationController: ['replicationcontrollers', NAMESPACED], PodTemplate: ['podtemplates', NAMESPACED],
    Binding: ['bindings', NAMESPACED], ComponentStatus: ['componentstatuses', CLUSTER],
  }),
  apps: table({
    Deployment: ['deployments', NAMESPACED], StatefulSet: ['statefulsets', NAMESPACED], DaemonSet: ['daemonsets', NAMESPACED],
    ReplicaSet: ['replicasets', NAMESPACED], ControllerRevision: ['controllerrevisions', NAMESPACED],
  }),
  batch: table({ Job: ['jobs', NAMESPACED], CronJob: ['cronjobs', NAMESPACED] }),
  autoscaling: table({ HorizontalPodAutoscaler: ['horizontalpodautoscalers', NAMESPACED] }),
  policy: table({ PodDisruptionBudget: ['poddisruptionbudgets', NAMESPACED], PodSecurityPolicy: ['podsecuritypolicies', CLUSTER] }),
  'networking.k8s.io': table({
    Ingress: ['ingresses', NAMESPACED], IngressClass: ['ingressclasses', CLUSTER], NetworkPolicy: ['networkpolicies', NAMESPACED],
  }),
  extensions: table({
    Ingress: ['ingresses', NAMESPACED], Deployment: ['deployments', NAMESPACED], DaemonSet: ['daemonsets', NAMESPACED],
    ReplicaSet: ['replicasets', NAMESPACED], NetworkPolicy: ['networkpolicies', NAMESPACED],
  }),
  'rbac.authorization.k8s.io': table({
    Role: ['roles', NAMESPACED], RoleBinding: ['rolebindings', NAMESPACED], ClusterRole: ['clusterroles', CLUSTER],
    ClusterRoleBinding: ['clusterrolebindings', CLUSTER],
  }),
  'storage.k8s.io': table({
    StorageClass: ['storageclasses', CLUSTER], VolumeAttachment: ['volumeattachments', CLUSTER], CSIDriver: ['csidrivers', CLUSTER],
    CSINode: ['csinodes', CLUSTER],
  }),
  'admissionregistration.k8s.io': table({
    ValidatingWebhookConfiguration: ['validatingwebhookconfigurations', CLUSTER],
    MutatingWebhookConfiguration: ['mutatingwebhookconfigurations', CLUSTER],
    ValidatingAdmissionPolicy: ['validatingadmissionpolicies', CLUSTER],
    ValidatingAdmissionPolicyBinding: ['validatingadmissionpolicybindings', CLUSTER],
  }),
  'apiextensions.k8s.io': table({ CustomResourceDefinition: ['customresourcedefinitions', CLUSTER] }),
  'scheduling.k8s.io': table({ PriorityClass: ['priorityclasses', CLUSTER] }),
  'coordination.k8s.io': table({ Lease: ['leases', NAMESPACED] }),
  'discovery.k8s.io': table({ EndpointSlice: ['endpointslices', NAMESPACED] }),
  'certificates.k8s.io': table({ CertificateSigningRequest: ['certificatesigningrequests', CLUSTER] }),
  'node.k8s.io': table({ RuntimeClass: ['runtimeclasses', CLUSTER] }),
}));

function table(entries: Record<string, [string, boolean]>): ReadonlyMap<string, BuiltinKind> {
  return new Map(Object.entries(entries).map(([kind, [resource, namespaced]]) => [kind, { resource, namespaced }]));
}

/** A built-in kind of a group (Maps: a kind such as `constructor` is not built in). */
function builtinKind(group: string, kind: string): BuiltinKind | undefined {
  return BUILTIN.get(group)?.get(kind);
}

/** `apps/v1` → group `apps`, version `v1`; `v1` → core group. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const group = groupOf(apiVersion);
  return { group, version: group === '' ? apiVersion : apiVersion.slice(group.length + 1) };
}

/** The resource an object is served as. */
export function resourceOfObject(object: KubeObject): ResourceInfo {
  const { group, version } = parseApiVersion(object.apiVersion);
  const builtin = builtinKind(group, object.kind);
  if (builtin) return { group, version, kind: object.kind, resource: builtin.resource, namespaced: builtin.namespaced, known: true };
  const namespace = object.metadata?.namespace;
  return { group, version, kind: object.kind, resource: defaultPlural(object.kind), namespaced: typeof namespace === 'string' && namespace !== '', known: false };
}

/** The built-in resources that serve a kind, in every group that has it (Ingress: networking.k8s.io and extensions). */
export function resourcesOfKind(kind: string): { group: string; resource: string; namespaced: boolean }[] {
  const out: { group: string; resource: string; namespaced: boolean }[] = [];
  for (const [group, kinds] of BUILTIN) {
    const builtin = kinds.get(kind);
    if (builtin) out.push({ group, resource: builtin.resource, namespaced: builtin.namespaced });
  }
  return out;
}

/** The kind a group/resource names, when built in. */
export function kindOfResource(group: string, resource: string): string | undefined {
  const kinds = BUILTIN.get(group);
  if (!kinds) return undefined;
  for (const [kind, info] of kinds) if (info.resource === resource) return kind;
  return undefined;
}

/** Group pairs that serve the same objects for these resources (matchPolicy Equivalent). */
const EQUIVALENT_GROUPS: readonly [string, string, readonly string[]][] = [
  ['apps', 'extensions', ['deployments', 'daemonsets', 'replicasets']],
  ['networking.k8s.io', 'extensions', ['ingresses', 'networkpolicies']],
];

/** Whether `other` serves `group/resource` as the same objects (matchPolicy Equivalent). */
export function servesSameObjects(other: string, group: string, resource: string): boolean {
  for (const [a, b, resources] of EQUIVALENT_GROUPS) {
    if (((group === a && other === b) || (group === b && other === a)) && resources.includes(resource)) return true;
  }
  return false;
}

/** The API server's default plural for a kind without a declared one. */
export function defaultPlural(kind: string): string {
  const lower = kind.toLowerCase();
  if (/(s|x|z|ch|sh)$/.test(lower)) return `${lower}es`;
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}
