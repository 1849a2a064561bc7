// From an EvaluationInput to the admission attributes and CEL activation every CEL policy kind uses. Offline, a
// namespaced object without a namespace is where `kubectl apply` would put it (`default`), and a namespace that
// is not among the inputs still exists with the label the API server sets on every namespace.
import type { KubeObject } from '../../kube/object.js';
import { admissionRequestOf, attributesOf, type AdmissionAttributes } from '../../kube/matching/attributes.js';
import type { ObjectLookup } from '../../kube/matching/object-index.js';
import { resourceOfObject } from '../../kube/matching/resources.js';
import type { EvaluationInput } from '../policy.js';
import type { ProgramActivation } from './program.js';

export const DEFAULT_NAMESPACE = 'default';

export function attributesOfInput(input: EvaluationInput, lookup: ObjectLookup): AdmissionAttributes {
  const subject = input.operation === 'DELETE' ? (input.oldObject ?? input.object) : input.object;
  const object = withDefaultNamespace(subject);
  const attrs = attributesOf({
    object,
    operation: input.operation,
    oldObject: input.oldObject ? withDefaultNamespace(input.oldObject) : input.oldObject,
    userInfo: input.userInfo,
    dryRun: input.dryRun,
    subResource: typeof input.request?.subResource === 'string' ? input.request.subResource : undefined,
  });
  attrs.namespaceObject = input.namespaceObject ?? namespaceObjectOf(attrs, lookup);
  return attrs;
}

function withDefaultNamespace(object: KubeObject): KubeObject {
  if (object.metadata?.namespace) return object;
  const resource = resourceOfObject(object);
  if (!resource.known || !resource.namespaced) return object;
  return { ...object, metadata: { ...object.metadata, namespace: DEFAULT_NAMESPACE } };
}

function namespaceObjectOf(attrs: AdmissionAttributes, lookup: ObjectLookup): KubeObject | null {
  if (attrs.namespace === '') return null;
  return lookup.namespace(attrs.namespace) ?? {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: attrs.namespace, labels: { 'kubernetes.io/metadata.name': attrs.namespace } },
  };
}

export function activationOf(attrs: AdmissionAttributes, params: KubeObject | null): ProgramActivation {
  return {
    object: attrs.object,
    oldObject: attrs.oldObject,
    request: admissionRequestOf(attrs),
    params,
    namespaceObject: attrs.namespaceObject,
  };
}
