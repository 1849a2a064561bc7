// From an EvaluationInput to the admission attributes and CEL activation every CEL policy kind uses. Offline, a
// namespaced object without a namespace is where `kubectl apply` would put it (`default`), and a namespace that
// is not among the inputs still exists with the label the API server sets on every namespace.
import type { KubeObject } from '../../kube/object.js';
import { admissionRequestOf, attributesOf, type AdmissionAttributes } from '../../kube/matching/attributes.js';
import type { ObjectLookup } from '../../kube/matching/object-index.js';
import { resourceOfObject } from '../../kube/matching/resources.js';
import type { EvaluationInput } from '../policy.js';
import { toCelValue } from '../../cel/index.js';
import { servedForm } from './served-form.js';

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

/** What every expression of a policy may reference besides `variables`, as CEL values (toCelValue). */
export interface CelActivation {
  object: unknown;
  oldObject: unknown;
  request: unknown;
  params: unknown;
  namespaceObject: unknown;
}

/**
 * The activation of an admission request, converted to CEL values. The request's `object` and `oldObject` are the
 * converted objects themselves, so each object is converted once however many variables reference it.
 */
export function activationOf(attrs: AdmissionAttributes, params: KubeObject | null): CelActivation {
  const object = servedForm(attrs.object, toCelValue(attrs.object));
  const oldObject = servedForm(attrs.oldObject, toCelValue(attrs.oldObject));
  const { object: _object, oldObject: _oldObject, ...rest } = admissionRequestOf(attrs);
  const request = toCelValue(rest) as Record<string, unknown>;
  if (object !== null) request.object = object;
  if (oldObject !== null) request.oldObject = oldObject;
  return { object, oldObject, request, params: toCelValue(params), namespaceObject: toCelValue(attrs.namespaceObject) };
}

/** The activation with the policy's params object. */
export function withParams(activation: CelActivation, params: KubeObject | null): CelActivation {
  return params === null ? activation : { ...activation, params: toCelValue(params) };
}

/** The activation judging other objects than the request's (an autogen rule's pod view of a controller). */
export function withObjects(activation: CelActivation, object: KubeObject | null, oldObject: KubeObject | null): CelActivation {
  return { ...activation, object: servedForm(object, toCelValue(object)), oldObject: servedForm(oldObject, toCelValue(oldObject)) };
}

export interface PreparedInput {
  attrs: AdmissionAttributes;
  /** The activation without params; the same object for every policy that judges this input. */
  activation: CelActivation;
}

const prepared = new WeakMap<EvaluationInput, Map<ObjectLookup, PreparedInput>>();

/**
 * Attributes and activation of an input, built once per input and lookup and shared by every policy that judges
 * it: converting the objects to CEL values dominates evaluation time when it is repeated per policy.
 */
export function prepareInput(input: EvaluationInput, lookup: ObjectLookup): PreparedInput {
  let perLookup = prepared.get(input);
  if (!perLookup) prepared.set(input, (perLookup = new Map()));
  let entry = perLookup.get(lookup);
  if (!entry) {
    const attrs = attributesOfInput(input, lookup);
    entry = { attrs, activation: activationOf(attrs, null) };
    perLookup.set(lookup, entry);
  }
  return entry;
}
