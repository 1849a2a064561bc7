// Windows HostProcess containers run directly on the node with host-level privileges.
import { ALLOWED, forbidden, type PssCheck } from '../check.js';
import { setters } from '../format.js';
import { asRecord } from '../../../kube/pod-template.js';
import { containerName, isSet, securityContextOf, type Fields, type PodView } from '../pod.js';

function setsHostProcess(securityContext: Fields | undefined): boolean {
  return isSet(asRecord(securityContext?.windowsOptions)?.hostProcess);
}

function windowsHostProcess_1_0(pod: PodView) {
  let bad: string[] | undefined;
  for (const container of pod.containers) {
    if (setsHostProcess(securityContextOf(container))) (bad ??= []).push(containerName(container));
  }
  const podSets = setsHostProcess(pod.securityContext);
  if (!podSets && !bad) return ALLOWED;
  return forbidden('hostProcess', `${setters(podSets, bad ?? [])} must not set securityContext.windowsOptions.hostProcess=true`);
}

export const windowsHostProcess: PssCheck = {
  id: 'windowsHostProcess',
  level: 'baseline',
  severity: 'high',
  description: 'Windows HostProcess containers run on the node itself with host-level access.',
  remediation: 'Remove securityContext.windowsOptions.hostProcess or set it to false for the pod and every container.',
  versions: [{ minVersion: 0, check: windowsHostProcess_1_0 }],
};
