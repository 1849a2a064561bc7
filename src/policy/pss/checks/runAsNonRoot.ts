// Restricted containers must run as a non-root user: runAsNonRoot=true on each container or inherited from the pod.
import { ALLOWED, forbidden, type PssCheck } from '../check.js';
import { namedList, setters } from '../format.js';
import { containerName, inUserNamespace, isAbsent, securityContextOf, type PodView } from '../pod.js';

function runAsNonRoot_1_0(pod: PodView) {
  const podValue = pod.securityContext?.runAsNonRoot;
  // Anything but true at pod level that is set counts as setting it to false: a malformed value fails closed.
  const podBad = !isAbsent(podValue) && podValue !== true;
  let explicit: string[] | undefined;
  let implicit: string[] | undefined;
  for (const container of pod.containers) {
    const value = securityContextOf(container)?.runAsNonRoot;
    if (!isAbsent(value)) {
      if (value !== true) (explicit ??= []).push(containerName(container));
    } else if (podValue !== true) {
      (implicit ??= []).push(containerName(container));
    }
  }
  if (podBad || explicit) {
    return forbidden('runAsNonRoot != true', `${setters(podBad, explicit ?? [])} must not set securityContext.runAsNonRoot=false`);
  }
  if (!implicit) return ALLOWED;
  return forbidden('runAsNonRoot != true', `pod or ${namedList('container', 'containers', implicit)} must set securityContext.runAsNonRoot=true`);
}

/** From v1.35 pods in a user namespace (hostUsers: false) are exempt: their root is not the node's root (KEP-127). */
function runAsNonRoot_1_35(pod: PodView) {
  return inUserNamespace(pod) ? ALLOWED : runAsNonRoot_1_0(pod);
}

export const runAsNonRoot: PssCheck = {
  id: 'runAsNonRoot',
  level: 'restricted',
  severity: 'high',
  description: 'Restricted containers must run as a non-root user, so a container escape does not start as root.',
  remediation: 'Set spec.securityContext.runAsNonRoot: true (or on every container) and run the image as a non-zero UID.',
  versions: [
    { minVersion: 0, check: runAsNonRoot_1_0 },
    { minVersion: 35, check: runAsNonRoot_1_35 },
  ],
};
