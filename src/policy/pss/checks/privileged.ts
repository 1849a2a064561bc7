// Privileged containers disable most isolation: they see every host device and run without the usual confinement.
import { ALLOWED, forbidden, type PssCheck } from '../check.js';
import { namedList } from '../format.js';
import { containerName, isSet, securityContextOf, type PodView } from '../pod.js';

function privileged_1_0(pod: PodView) {
  let bad: string[] | undefined;
  for (const container of pod.containers) {
    if (isSet(securityContextOf(container)?.privileged)) (bad ??= []).push(containerName(container));
  }
  if (!bad) return ALLOWED;
  return forbidden('privileged', `${namedList('container', 'containers', bad)} must not set securityContext.privileged=true`);
}

export const privileged: PssCheck = {
  id: 'privileged',
  level: 'baseline',
  severity: 'critical',
  description: 'Privileged containers disable most security mechanisms and get access to every device on the host.',
  remediation: 'Remove securityContext.privileged or set it to false on every container.',
  versions: [{ minVersion: 0, check: privileged_1_0 }],
};
