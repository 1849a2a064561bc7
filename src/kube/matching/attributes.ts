// The admission attributes that match rules look at, derived once per request: which resource, which operation,
// which namespace and name, and the objects involved. Offline scans build them from a manifest with operation CREATE.
import type { KubeObject } from '../object.js';
import { labelsOf } from './label-selector.js';
import { resourceOfObject, type ResourceInfo } from './resources.js';

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface AdmissionUser {
  username: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export interface AdmissionAttributes {
  operation: AdmissionOperation;
  /** The object as it will be stored; null for DELETE. */
  object: KubeObject | null;
  /** The object before an UPDATE or DELETE; null for CREATE. */
  oldObject: KubeObject | null;
  resource: ResourceInfo;
  subResource: string;
  namespace: string;
  name: string;
  /** The namespace the object lives in, when known (admission looks it up; offline scans find it among the inputs). */
  namespaceObject: KubeObject | null;
  userInfo: AdmissionUser;
  dryRun: boolean;
}

export interface AttributesInput {
  object: KubeObject;
  operation: AdmissionOperation;
  oldObject?: KubeObject | null;
  namespaceObject?: KubeObject | null;
  userInfo?: AdmissionUser;
  dryRun?: boolean;
  subResource?: string;
}

/** `object` is the object the request is about; for DELETE pass the stored object (it becomes `oldObject`). */
export function attributesOf(input: AttributesInput): AdmissionAttributes {
  const deleting = input.operation === 'DELETE';
  const subject = input.object;
  return {
    operation: input.operation,
    object: deleting ? null : subject,
    oldObject: deleting ? (input.oldObject ?? subject) : (input.oldObject ?? null),
    resource: resourceOfObject(subject),
    subResource: input.subResource ?? '',
    namespace: typeof subject.metadata?.namespace === 'string' ? subject.metadata.namespace : '',
    name: typeof subject.metadata?.name === 'string' ? subject.metadata.name : '',
    namespaceObject: input.namespaceObject ?? null,
    userInfo: input.userInfo ?? { username: '' },
    dryRun: input.dryRun ?? false,
  };
}

/**
 * Labels a namespaceSelector is matched against: the Namespace's own labels when the object is a Namespace,
 * else its namespace's labels. A namespace that is not among the inputs has no labels (always carries the
 * `kubernetes.io/metadata.name` label the API server sets on every namespace).
 */
export function namespaceLabelsOf(attrs: AdmissionAttributes): Record<string, string> {
  const subject = attrs.object ?? attrs.oldObject;
  if (subject?.kind === 'Namespace' && attrs.resource.group === '') {
    return { 'kubernetes.io/metadata.name': attrs.name, ...labelsOf(subject) };
  }
  const labels = labelsOf(attrs.namespaceObject);
  return attrs.namespace === '' ? labels : { 'kubernetes.io/metadata.name': attrs.namespace, ...labels };
}

/** The `request` an admission webhook or policy sees (admission.k8s.io/v1 AdmissionRequest), without a uid offline. */
export function admissionRequestOf(attrs: AdmissionAttributes): Record<string, unknown> {
  const { group, version, kind, resource } = attrs.resource;
  const userInfo: Record<string, unknown> = { username: attrs.userInfo.username, groups: attrs.userInfo.groups ?? [] };
  if (attrs.userInfo.uid !== undefined) userInfo.uid = attrs.userInfo.uid;
  if (attrs.userInfo.extra !== undefined) userInfo.extra = attrs.userInfo.extra;
  return {
    kind: { group, version, kind },
    resource: { group, version, resource },
    subResource: attrs.subResource,
    requestKind: { group, version, kind },
    requestResource: { group, version, resource },
    name: attrs.name,
    namespace: attrs.namespace,
    operation: attrs.operation,
    userInfo,
    object: attrs.object,
    oldObject: attrs.oldObject,
    dryRun: attrs.dryRun,
  };
}
