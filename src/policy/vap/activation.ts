// From an EvaluationInput to the admission attributes and CEL activation every CEL policy kind uses. Offline, a
// namespaced object without a namespace is where `kubectl apply` would put it (`default`), and a namespace that
// is not among the inputs still exists with the label the API server sets on every namespace.
import type { KubeObject } from '../../kube/object.js';
import { attributesOf, type AdmissionAttributes } from '../../kube/matching/attributes.js';
import type { ObjectLookup } from '../../kube/matching/object-index.js';
import { resourceOfObject } from '../../kube/matching/resources.js';
import type { EvaluationInput } from '../policy.js';
import { CelActivation } from './cel-activation.js';

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

export interface PreparedInput {
  attrs: AdmissionAttributes;
  /** The activation without params; the same object for every policy that judges this input. */
  activation: CelActivation;
}

interface PreparedEntry extends PreparedInput {
  /** The input it was prepared from: a copy of the input (spread, Object.assign) carries the entry, not its use. */
  input: EvaluationInput;
  lookup: ObjectLookup;
  /** The same input prepared with other lookups (rare: policies loaded with different object indexes). */
  others?: Map<ObjectLookup, PreparedInput>;
}

/**
 * Where an input keeps what was prepared from it: a symbol-keyed property of the input rather than a WeakMap, whose
 * entries for short-lived inputs survive young-generation collections and get promoted. Assigned, not defined as
 * non-enumerable (defineProperty costs more than the rest of preparing an input); entries are checked to belong to
 * the input they are found on.
 */
const PREPARED: unique symbol = Symbol('gatehouse.prepared-input');

type WithPrepared = EvaluationInput & { [PREPARED]?: PreparedEntry };

/**
 * Attributes and activation of an input, built once per input and lookup and shared by every policy that judges
 * it: converting the objects to CEL values would dominate evaluation time if it were repeated per policy.
 */
export function prepareInput(input: EvaluationInput, lookup: ObjectLookup): PreparedInput {
  const found = (input as WithPrepared)[PREPARED];
  const entry = found?.input === input ? found : undefined;
  if (entry?.lookup === lookup) return entry;
  let other = entry?.others?.get(lookup);
  if (!other) {
    const attrs = attributesOfInput(input, lookup);
    const activation = CelActivation.of(attrs);
    // A frozen input is prepared again for each policy: slower, never wrong.
    if (!entry && Object.isExtensible(input)) {
      const prepared: PreparedEntry = { attrs, activation, input, lookup };
      (input as WithPrepared)[PREPARED] = prepared;
      return prepared;
    }
    other = { attrs, activation };
    if (entry) (entry.others ??= new Map()).set(lookup, other);
  }
  return other;
}
