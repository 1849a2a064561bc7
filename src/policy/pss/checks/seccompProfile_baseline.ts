// Seccomp filters the system calls a container may make; the baseline forbids turning it off (Unconfined).
import { ALLOWED, forbidden, type PssCheck } from '../check.js';
import { goQuote, joinQuote, pluralize, setters, sortedSet } from '../format.js';
import { containerName, text, type Fields, type PodView } from '../pod.js';
import { badSeccompSetters } from './seccomp.js';

const POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

function validAnnotationValue(value: unknown): boolean {
  return value === 'runtime/default' || value === 'docker/default' || (typeof value === 'string' && value.startsWith('localhost/'));
}

function collectForbidden(annotations: Fields, key: string, into: string[] | undefined): string[] | undefined {
  if (!Object.hasOwn(annotations, key) || validAnnotationValue(annotations[key])) return into;
  const out = into ?? [];
  out.push(`${key}=${goQuote(text(annotations[key]))}`);
  return out;
}

/** Before v1.19 seccomp was set with alpha annotations on the pod and on each container by name. */
function seccompProfileBaseline_1_0(pod: PodView) {
  const annotations = pod.annotations;
  if (!annotations) return ALLOWED;
  let bad = collectForbidden(annotations, POD_ANNOTATION, undefined);
  for (const container of pod.containers) bad = collectForbidden(annotations, CONTAINER_ANNOTATION_PREFIX + containerName(container), bad);
  if (!bad) return ALLOWED;
  const unique = sortedSet(bad);
  return forbidden('seccompProfile', `forbidden ${pluralize('annotation', 'annotations', unique.length)} ${unique.join(', ')}`);
}

/** From v1.19 the securityContext.seccompProfile field; unset is allowed, only explicit bad types are forbidden. */
function seccompProfileBaseline_1_19(pod: PodView) {
  const bad = badSeccompSetters(pod);
  if (!bad) return ALLOWED;
  return forbidden('seccompProfile',
    `${setters(bad.pod, bad.containers)} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(bad.types))}`);
}

export const seccompProfile_baseline: PssCheck = {
  id: 'seccompProfile_baseline',
  level: 'baseline',
  severity: 'high',
  description: 'An Unconfined seccomp profile lets the container make every system call the kernel offers.',
  remediation: 'Set securityContext.seccompProfile.type to RuntimeDefault or Localhost, or leave it unset.',
  versions: [
    { minVersion: 0, check: seccompProfileBaseline_1_0 },
    { minVersion: 19, check: seccompProfileBaseline_1_19 },
  ],
};
