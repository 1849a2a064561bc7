// Without allowPrivilegeEscalation=false a process can gain privileges through setuid binaries or file
// capabilities; restricted requires every container to set it explicitly (unset means allowed).
import { ALLOWED, exemptingWindowsPods, forbidden, type PssCheck } from '../check.js';
import { namedList } from '../format.js';
import { containerName, securityContextOf, type PodView } from '../pod.js';

function allowPrivilegeEscalation_1_8(pod: PodView) {
  let bad: string[] | undefined;
  for (const container of pod.containers) {
    if (securityContextOf(container)?.allowPrivilegeEscalation !== false) (bad ??= []).push(containerName(container));
  }
  if (!bad) return ALLOWED;
  return forbidden('allowPrivilegeEscalation != false',
    `${namedList('container', 'containers', bad)} must set securityContext.allowPrivilegeEscalation=false`);
}

export const allowPrivilegeEscalation: PssCheck = {
  id: 'allowPrivilegeEscalation',
  level: 'restricted',
  severity: 'high',
  description: 'Unless allowPrivilegeEscalation is false, setuid binaries and file capabilities let a process gain privileges.',
  remediation: 'Set securityContext.allowPrivilegeEscalation: false on every container, init container and ephemeral container.',
  versions: [
    { minVersion: 8, check: allowPrivilegeEscalation_1_8 },
    // From v1.25 Windows pods are exempt: the field has no meaning on Windows and the API rejects it there.
    { minVersion: 25, check: exemptingWindowsPods(allowPrivilegeEscalation_1_8) },
  ],
};
