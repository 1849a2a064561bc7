// The default /proc mask hides host kernel interfaces from containers; an Unmasked /proc exposes them.
import { ALLOWED, forbidden, type PssCheck } from '../check.js';
import { joinQuote, namedList, sortedSet } from '../format.js';
import { containerName, inUserNamespace, isAbsent, securityContextOf, text, type PodView } from '../pod.js';

/** Forbids any procMount other than Default, whatever the pod. Restricted keeps enforcing this from v1.35. */
export function procMount_1_0(pod: PodView) {
  let bad: string[] | undefined;
  let types: string[] | undefined;
  for (const container of pod.containers) {
    const procMount = securityContextOf(container)?.procMount;
    if (isAbsent(procMount) || procMount === 'Default') continue;
    (bad ??= []).push(containerName(container));
    (types ??= []).push(text(procMount));
  }
  if (!bad || !types) return ALLOWED;
  return forbidden('procMount',
    `${namedList('container', 'containers', bad)} must not set securityContext.procMount to ${joinQuote(sortedSet(types))}`);
}

/** From v1.35 baseline lets user-namespaced pods (hostUsers: false) unmask /proc: it then shows only their own namespace. */
function procMount_1_35_baseline(pod: PodView) {
  return inUserNamespace(pod) ? ALLOWED : procMount_1_0(pod);
}

export const procMount: PssCheck = {
  id: 'procMount',
  level: 'baseline',
  severity: 'high',
  description: 'An Unmasked /proc exposes host kernel interfaces that the default mask hides from containers.',
  remediation: 'Remove securityContext.procMount or set it to Default (baseline allows Unmasked from v1.35 only with hostUsers: false).',
  versions: [
    { minVersion: 0, check: procMount_1_0 },
    { minVersion: 35, check: procMount_1_35_baseline },
  ],
};
