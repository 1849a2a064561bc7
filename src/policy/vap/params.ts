// Resolves a binding's paramRef to the param objects a ValidatingAdmissionPolicy is evaluated with, following the
// API server: a namespaced param kind without paramRef.namespace is looked up in the request's namespace.
import type { KubeObject } from '../../kube/object.js';
import type { AdmissionAttributes } from '../../kube/matching/attributes.js';
import type { ObjectLookup } from '../../kube/matching/object-index.js';
import { parseApiVersion, resourceOfObject } from '../../kube/matching/resources.js';
import type { ParamKind } from './program-spec.js';
import type { ParamRef } from './parse.js';

export type ParamResolution = { kind: 'found'; params: KubeObject[] } | { kind: 'not-found'; message: string };

export function resolveParams(paramKind: ParamKind, ref: ParamRef, attrs: AdmissionAttributes, lookup: ObjectLookup): ParamResolution {
  const group = parseApiVersion(paramKind.apiVersion).group;
  const probe = { apiVersion: paramKind.apiVersion, kind: paramKind.kind, metadata: {} };
  const info = resourceOfObject(probe);
  // Kinds that are not built in are assumed namespaced, the common case for custom parameter resources.
  const namespaced = info.known ? info.namespaced : true;
  const namespace = ref.namespace ?? (namespaced ? attrs.namespace : '');
  if (namespaced && namespace === '' && ref.namespace === undefined) {
    return { kind: 'not-found', message: `paramRef has no namespace and the ${attrs.resource.kind} is cluster-scoped, so no namespaced ${paramKind.kind} param can be found` };
  }
  const params = ref.name !== undefined
    ? [lookup.get(group, paramKind.kind, namespace, ref.name)].filter((p): p is KubeObject => p !== undefined)
    : lookup.list(group, paramKind.kind, namespace, ref.selector);
  if (params.length > 0) return { kind: 'found', params };
  const what = ref.name !== undefined ? `${paramKind.kind} ${namespace ? `${namespace}/` : ''}${ref.name}` : `${paramKind.kind} matching the paramRef selector${namespace ? ` in namespace ${namespace}` : ''}`;
  return { kind: 'not-found', message: `no param found: ${what} is not among the inputs` };
}
