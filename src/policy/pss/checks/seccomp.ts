// Seccomp reading shared by the baseline and restricted seccomp checks: the allowed profile types, and who set
// a profile of another type.
import { asRecord } from '../../../kube/pod-template.js';
import { containerName, securityContextOf, text, type Fields, type PodView } from '../pod.js';

export function validSeccompType(type: unknown): boolean {
  return type === 'RuntimeDefault' || type === 'Localhost';
}

export function seccompProfileOf(securityContext: Fields | undefined): Fields | undefined {
  return asRecord(securityContext?.seccompProfile);
}

/** Pod and containers that explicitly set a seccomp profile of a forbidden type, and the types they set. */
export interface BadSeccompSetters {
  pod: boolean;
  containers: string[];
  types: string[];
}

/** Undefined when no one set a forbidden type: the allowed path allocates nothing. */
export function badSeccompSetters(pod: PodView): BadSeccompSetters | undefined {
  const podProfile = seccompProfileOf(pod.securityContext);
  const podBad = podProfile !== undefined && !validSeccompType(podProfile.type);
  let found: BadSeccompSetters | undefined = podBad ? { pod: true, containers: [], types: [text(podProfile.type)] } : undefined;
  for (const container of pod.containers) {
    const profile = seccompProfileOf(securityContextOf(container));
    if (!profile || validSeccompType(profile.type)) continue;
    found ??= { pod: false, containers: [], types: [] };
    found.containers.push(containerName(container));
    found.types.push(text(profile.type));
  }
  return found;
}
