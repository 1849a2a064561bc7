// Restricted containers must drop every capability and may add back only NET_BIND_SERVICE; this replaces the
// baseline capabilities check from v1.22.
import { ALLOWED, exemptingWindowsPods, forbidden, type PssCheck } from '../check.js';
import { joinQuote, namedList, sortedSet } from '../format.js';
import { containerName, type Fields, type PodView } from '../pod.js';
import { capabilities_baseline } from './capabilities_baseline.js';
import { capabilitiesOf, forbiddenAdds } from './capabilities.js';

const ADDABLE: ReadonlySet<unknown> = new Set(['NET_BIND_SERVICE']);

function dropsAll(capabilities: Fields | undefined): boolean {
  return capabilities !== undefined && Array.isArray(capabilities.drop) && capabilities.drop.includes('ALL');
}

function capabilitiesRestricted_1_22(pod: PodView) {
  let missingDropAll: string[] | undefined;
  let adding: string[] | undefined;
  let added: string[] | undefined;
  for (const container of pod.containers) {
    const capabilities = capabilitiesOf(container);
    if (!dropsAll(capabilities)) (missingDropAll ??= []).push(containerName(container));
    const extra = capabilities && forbiddenAdds(capabilities, ADDABLE);
    if (!extra) continue;
    (adding ??= []).push(containerName(container));
    (added ??= []).push(...extra);
  }
  if (!missingDropAll && !adding) return ALLOWED;
  const details: string[] = [];
  if (missingDropAll) details.push(`${namedList('container', 'containers', missingDropAll)} must set securityContext.capabilities.drop=["ALL"]`);
  if (adding && added) {
    details.push(`${namedList('container', 'containers', adding)} must not include ${joinQuote(sortedSet(added))} in securityContext.capabilities.add`);
  }
  return forbidden('unrestricted capabilities', details.join('; '));
}

const overrides = [capabilities_baseline.id];

export const capabilities_restricted: PssCheck = {
  id: 'capabilities_restricted',
  level: 'restricted',
  severity: 'high',
  description: 'Restricted containers must drop ALL capabilities and may add back only NET_BIND_SERVICE.',
  remediation: 'Set securityContext.capabilities.drop: ["ALL"] on every container and add at most NET_BIND_SERVICE.',
  versions: [
    { minVersion: 22, check: capabilitiesRestricted_1_22, overrides },
    // From v1.25 Windows pods are exempt: Linux capabilities do not apply to them.
    { minVersion: 25, check: exemptingWindowsPods(capabilitiesRestricted_1_22), overrides },
  ],
};
