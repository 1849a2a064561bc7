// Containers get a default set of Linux capabilities; adding others (NET_RAW, SYS_ADMIN, …) widens what a
// compromised container can do to the node.
import { ALLOWED, forbidden, type PssCheck } from '../check.js';
import { joinQuote, namedList, sortedSet } from '../format.js';
import { containerName, type PodView } from '../pod.js';
import { capabilitiesOf, forbiddenAdds } from './capabilities.js';

const DEFAULT_CAPABILITIES: ReadonlySet<unknown> = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL',
  'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);

function capabilitiesBaseline_1_0(pod: PodView) {
  let bad: string[] | undefined;
  let added: string[] | undefined;
  for (const container of pod.containers) {
    const capabilities = capabilitiesOf(container);
    const extra = capabilities && forbiddenAdds(capabilities, DEFAULT_CAPABILITIES);
    if (!extra) continue;
    (bad ??= []).push(containerName(container));
    (added ??= []).push(...extra);
  }
  if (!bad || !added) return ALLOWED;
  return forbidden('non-default capabilities',
    `${namedList('container', 'containers', bad)} must not include ${joinQuote(sortedSet(added))} in securityContext.capabilities.add`);
}

export const capabilities_baseline: PssCheck = {
  id: 'capabilities_baseline',
  level: 'baseline',
  severity: 'high',
  description: 'Adding Linux capabilities beyond the default set (e.g. NET_RAW, SYS_ADMIN) widens what a container can do to the node.',
  remediation: 'Remove capabilities.add entries outside AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT.',
  versions: [{ minVersion: 0, check: capabilitiesBaseline_1_0 }],
};
