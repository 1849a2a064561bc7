// Restricted requires an explicit seccomp profile (RuntimeDefault or Localhost) for every container, set on the pod
// or on the container; it replaces the baseline seccomp check.
import { ALLOWED, exemptingWindowsPods, forbidden, type PssCheck } from '../check.js';
import { joinQuote, namedList, setters, sortedSet } from '../format.js';
import { containerName, securityContextOf, type PodView } from '../pod.js';
import { seccompProfile_baseline } from './seccompProfile_baseline.js';
import { badSeccompSetters, seccompProfileOf } from './seccomp.js';

function seccompProfileRestricted_1_19(pod: PodView) {
  const bad = badSeccompSetters(pod);
  if (bad) {
    return forbidden('seccompProfile',
      `${setters(bad.pod, bad.containers)} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(bad.types))}`);
  }
  // A container without its own profile inherits the pod's; without either it runs unconfined.
  if (seccompProfileOf(pod.securityContext) !== undefined) return ALLOWED;
  let unset: string[] | undefined;
  for (const container of pod.containers) {
    if (seccompProfileOf(securityContextOf(container)) === undefined) (unset ??= []).push(containerName(container));
  }
  if (!unset) return ALLOWED;
  return forbidden('seccompProfile',
    `pod or ${namedList('container', 'containers', unset)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`);
}

const overrides = [seccompProfile_baseline.id];

export const seccompProfile_restricted: PssCheck = {
  id: 'seccompProfile_restricted',
  level: 'restricted',
  severity: 'high',
  description: 'Restricted pods must filter system calls with the RuntimeDefault or a Localhost seccomp profile.',
  remediation: 'Set spec.securityContext.seccompProfile.type to RuntimeDefault (or Localhost) for the pod or every container.',
  versions: [
    { minVersion: 19, check: seccompProfileRestricted_1_19, overrides },
    // From v1.25 Windows pods are exempt: seccomp is a Linux mechanism.
    { minVersion: 25, check: exemptingWindowsPods(seccompProfileRestricted_1_19), overrides },
  ],
};
