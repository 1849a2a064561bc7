// A probe or lifecycle hook with a `host` makes the kubelet connect wherever the pod says: a server-side request
// forgery from the node's network position.
import { ALLOWED, forbidden, type PssCheck } from '../check.js';
import { joinQuote, namedList, pluralize, sortedSet } from '../format.js';
import { asRecord } from '../../../kube/pod-template.js';
import { containerName, text, type Fields, type PodView } from '../pod.js';

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const HOOKS = ['postStart', 'preStop'] as const;

function hostOf(action: unknown): string | undefined {
  const host = asRecord(action)?.host;
  return host === undefined || host === null || host === '' ? undefined : text(host);
}

/** Whether a probe or lifecycle handler names a host (httpGet.host, tcpSocket.host); adds them to `into` if given. */
function namesHost(handler: unknown, into?: string[]): boolean {
  const h = asRecord(handler);
  if (!h) return false;
  const httpHost = hostOf(h.httpGet);
  const tcpHost = hostOf(h.tcpSocket);
  if (httpHost !== undefined) into?.push(httpHost);
  if (tcpHost !== undefined) into?.push(tcpHost);
  return httpHost !== undefined || tcpHost !== undefined;
}

function usesHost(container: Fields, into?: string[]): boolean {
  let found = false;
  for (const probe of PROBES) if (namesHost(container[probe], into)) found = true;
  const lifecycle = asRecord(container.lifecycle);
  if (lifecycle) for (const hook of HOOKS) if (namesHost(lifecycle[hook], into)) found = true;
  return found;
}

function anyUsesHost(pod: PodView): boolean {
  for (const container of pod.containers) if (usesHost(container)) return true;
  return false;
}

function hostProbesAndHostLifecycle_1_34(pod: PodView) {
  if (!anyUsesHost(pod)) return ALLOWED;
  const bad: string[] = [];
  const hosts: string[] = [];
  for (const container of pod.containers) if (usesHost(container, hosts)) bad.push(containerName(container));
  const names = sortedSet(bad);
  const unique = sortedSet(hosts);
  return forbidden('probe or lifecycle host', `${namedList('container', 'containers', names)} ${pluralize('uses', 'use', names.length)} ` +
    `${pluralize('probe or lifecycle host', 'probe or lifecycle hosts', unique.length)} ${joinQuote(unique)}`);
}

export const hostProbesAndHostLifecycle: PssCheck = {
  id: 'hostProbesAndHostLifecycle',
  level: 'baseline',
  severity: 'high',
  description: 'A host on a probe or lifecycle hook makes the kubelet connect to an address of the pod\'s choosing from the node.',
  remediation: 'Remove httpGet.host and tcpSocket.host from livenessProbe, readinessProbe, startupProbe and lifecycle hooks.',
  versions: [{ minVersion: 34, check: hostProbesAndHostLifecycle_1_34 }],
};
