// Sharing the host's network, PID or IPC namespace removes the isolation between the pod and the node.
import { ALLOWED, forbidden, type PssCheck } from '../check.js';
import { isSet, type PodView } from '../pod.js';

function hostNamespaces_1_0(pod: PodView) {
  const { hostNetwork, hostPID, hostIPC } = pod.spec;
  if (!isSet(hostNetwork) && !isSet(hostPID) && !isSet(hostIPC)) return ALLOWED;
  const found: string[] = [];
  if (isSet(hostNetwork)) found.push('hostNetwork=true');
  if (isSet(hostPID)) found.push('hostPID=true');
  if (isSet(hostIPC)) found.push('hostIPC=true');
  return forbidden('host namespaces', found.join(', '));
}

export const hostNamespaces: PssCheck = {
  id: 'hostNamespaces',
  level: 'baseline',
  severity: 'critical',
  description: 'Sharing the host network, PID or IPC namespace lets the pod see and reach the node and its other pods.',
  remediation: 'Remove spec.hostNetwork, spec.hostPID and spec.hostIPC or set them to false.',
  versions: [{ minVersion: 0, check: hostNamespaces_1_0 }],
};
