// Finds the pod spec inside a Pod or any of the controllers that stamp pods out of a template.
import type { KubeObject, ObjectMeta } from './object.js';

export interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  ephemeralContainers?: Container[];
  volumes?: Record<string, unknown>[];
  securityContext?: Record<string, unknown>;
  os?: { name?: string };
  serviceAccountName?: string;
  serviceAccount?: string;
  automountServiceAccountToken?: boolean;
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  [key: string]: unknown;
}

export interface Container {
  name: string;
  image?: string;
  securityContext?: Record<string, unknown>;
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  env?: Record<string, unknown>[];
  envFrom?: Record<string, unknown>[];
  ports?: Record<string, unknown>[];
  [key: string]: unknown;
}

export interface PodTemplate {
  metadata: ObjectMeta;
  spec: PodSpec;
  /** JSON path of the pod spec within the object, e.g. `spec.template.spec`, for messages and SARIF. */
  specPath: string;
}

/** Kinds whose objects carry a pod template, and where it sits. */
const TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
  PodTemplate: ['template'],
};

/** The same by kind, with the path of the pod spec (a Map: a kind such as `constructor` finds nothing). */
const TEMPLATES: ReadonlyMap<string, { path: readonly string[]; specPath: string }> = new Map(
  Object.entries(TEMPLATE_PATHS).map(([kind, path]) => [kind, { path, specPath: [...path, 'spec'].join('.') }]),
);


export function hasPodTemplate(object: KubeObject): boolean {
  return object.kind === 'Pod' || TEMPLATES.has(object.kind);
}

/** The pod metadata and spec of a Pod or pod-template owner; undefined for other kinds or when absent. */
export function podTemplateOf(object: KubeObject): PodTemplate | undefined {
  if (object.kind === 'Pod') {
    const spec = asRecord(object.spec);
    return spec ? { metadata: object.metadata ?? {}, spec: spec as PodSpec, specPath: 'spec' } : undefined;
  }
  const where = TEMPLATES.get(object.kind);
  if (!where) return undefined;
  let node: unknown = object;
  for (const key of where.path) node = asRecord(node)?.[key];
  const template = asRecord(node);
  const spec = asRecord(template?.spec);
  if (!template || !spec) return undefined;
  return {
    metadata: (asRecord(template.metadata) ?? {}) as ObjectMeta,
    spec: spec as PodSpec,
    specPath: where.specPath,
  };
}

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
