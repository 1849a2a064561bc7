// Host ports bind the node's network interfaces, bypassing network policy and exposing the pod on the node itself.
import { ALLOWED, forbidden, type PssCheck } from '../check.js';
import { namedList, pluralize, sortedSet } from '../format.js';
import { asRecord } from '../../../kube/pod-template.js';
import { containerName, isAbsent, text, type PodView } from '../pod.js';

function hostPortOf(port: unknown): unknown {
  const hostPort = asRecord(port)?.hostPort;
  return isAbsent(hostPort) || hostPort === 0 ? undefined : hostPort;
}

function hostPorts_1_0(pod: PodView) {
  let bad: string[] | undefined;
  let ports: string[] | undefined;
  for (const container of pod.containers) {
    if (!Array.isArray(container.ports)) continue;
    let uses = false;
    for (const port of container.ports) {
      const hostPort = hostPortOf(port);
      if (hostPort === undefined) continue;
      uses = true;
      (ports ??= []).push(text(hostPort));
    }
    if (uses) (bad ??= []).push(containerName(container));
  }
  if (!bad || !ports) return ALLOWED;
  const unique = sortedSet(ports);
  return forbidden('hostPort', `${namedList('container', 'containers', bad)} ${pluralize('uses', 'use', bad.length)} ` +
    `${pluralize('hostPort', 'hostPorts', unique.length)} ${unique.join(', ')}`);
}

export const hostPorts: PssCheck = {
  id: 'hostPorts',
  level: 'baseline',
  severity: 'high',
  description: "Host ports bind the node's own network interfaces, bypassing Services and network policy.",
  remediation: 'Remove ports[*].hostPort (or set it to 0) and expose the pod through a Service instead.',
  versions: [{ minVersion: 0, check: hostPorts_1_0 }],
};
