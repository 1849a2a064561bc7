// Decides what, if anything, the built-in rules judge in an object: a Pod or pod-template owner, a core Service,
// or an Ingress. Kinds are matched with their API group so that e.g. a Knative `Service` is not taken for a core one.
import { groupOf } from '../../kube/object.js';
import { hasPodTemplate, podTemplateOf } from '../../kube/pod-template.js';
import type { EvaluationInput } from '../policy.js';
import type { Subject } from './rule.js';

const INGRESS_GROUPS = new Set(['networking.k8s.io', 'extensions']);

/** The subject, or why there is none (for the single `*` skip outcome). */
export function subjectOf(input: EvaluationInput): Subject | { none: string } {
  const object = input.object;
  const namespace = namespaceOf(input);
  if (hasPodTemplate(object)) {
    const pod = podTemplateOf(object);
    return pod ? { type: 'workload', object, namespace, pod } : { none: `${object.kind} has no pod template` };
  }
  const group = groupOf(object.apiVersion);
  if (object.kind === 'Service' && group === '') return { type: 'service', object, namespace };
  if (object.kind === 'Ingress' && INGRESS_GROUPS.has(group)) return { type: 'ingress', object, namespace };
  return { none: `${object.kind} is not a workload, Service or Ingress` };
}

/** The object's namespace, or at admission the request's (objects being created may leave it empty). */
function namespaceOf(input: EvaluationInput): string | undefined {
  const fromObject = input.object.metadata?.namespace;
  if (typeof fromObject === 'string' && fromObject !== '') return fromObject;
  const fromRequest = input.request?.namespace;
  return typeof fromRequest === 'string' && fromRequest !== '' ? fromRequest : undefined;
}
