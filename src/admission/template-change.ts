// Whether an UPDATE changes what the pod-content policies judge. Like Pod Security Admission, updates that leave the
// pod spec and its security annotations alone (labels, finalizers, owner references, replica counts) are not
// re-judged: an object admitted under older policies must stay updatable, or namespace deletion and controller
// bookkeeping stall on it.
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../kube/object.js';
import { podTemplateOf } from '../kube/pod-template.js';

/** Annotations that carried seccomp and AppArmor profiles before the securityContext fields existed. */
const SECURITY_ANNOTATION_PREFIXES = ['seccomp.security.alpha.kubernetes.io/', 'container.seccomp.security.alpha.kubernetes.io/', 'container.apparmor.security.beta.kubernetes.io/'];

function securityAnnotations(annotations: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(annotations ?? {})) {
    if (SECURITY_ANNOTATION_PREFIXES.some((prefix) => key.startsWith(prefix))) out[key] = value;
  }
  return out;
}

/** True when `object` has a pod template whose spec or security annotations differ from `oldObject`'s. */
export function podTemplateChanged(object: KubeObject, oldObject: KubeObject): boolean {
  const next = podTemplateOf(object);
  const previous = podTemplateOf(oldObject);
  if (!next || !previous) return next !== previous;
  return !isDeepStrictEqual(next.spec, previous.spec)
    || !isDeepStrictEqual(securityAnnotations(next.metadata.annotations), securityAnnotations(previous.metadata.annotations));
}
