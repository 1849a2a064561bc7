// Restricted forbids explicitly running as UID 0 at pod or container level.
import { ALLOWED, forbidden, type PssCheck } from '../check.js';
import { setters } from '../format.js';
import { containerName, inUserNamespace, securityContextOf, type Fields, type PodView } from '../pod.js';

/** UID 0, also when written as a string (which the API would reject, so fail closed). */
function setsRoot(securityContext: Fields | undefined): boolean {
  const uid = securityContext?.runAsUser;
  return uid === 0 || uid === '0';
}

function runAsUser_1_23(pod: PodView) {
  let bad: string[] | undefined;
  for (const container of pod.containers) {
    if (setsRoot(securityContextOf(container))) (bad ??= []).push(containerName(container));
  }
  const podRoot = setsRoot(pod.securityContext);
  if (!podRoot && !bad) return ALLOWED;
  return forbidden('runAsUser=0', `${setters(podRoot, bad ?? [])} must not set runAsUser=0`);
}

/** From v1.35 pods in a user namespace (hostUsers: false) are exempt: UID 0 there maps to an unprivileged host UID. */
function runAsUser_1_35(pod: PodView) {
  return inUserNamespace(pod) ? ALLOWED : runAsUser_1_23(pod);
}

export const runAsUser: PssCheck = {
  id: 'runAsUser',
  level: 'restricted',
  severity: 'high',
  description: 'Restricted pods must not explicitly run as UID 0 (root).',
  remediation: 'Remove runAsUser: 0 from the pod and container securityContext, or set a non-zero UID.',
  versions: [
    { minVersion: 23, check: runAsUser_1_23 },
    { minVersion: 35, check: runAsUser_1_35 },
  ],
};
