// SELinux labels confine containers; custom users, roles or types could grant a container the host's access.
import { ALLOWED, forbidden, type CheckFn, type PssCheck } from '../check.js';
import { joinQuote, pluralize, setters, sortedSet } from '../format.js';
import { asRecord } from '../../../kube/pod-template.js';
import { containerName, isAbsent, securityContextOf, text, type Fields, type PodView } from '../pod.js';

const TYPES_1_0: ReadonlySet<string> = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);
const TYPES_1_31: ReadonlySet<string> = new Set([...TYPES_1_0, 'container_engine_t']);

/** What makes one seLinuxOptions object forbidden, or undefined when it is allowed. */
interface Violation { type?: string; user: boolean; role: boolean }

function violationOf(securityContext: Fields | undefined, allowedTypes: ReadonlySet<string>): Violation | undefined {
  const options = asRecord(securityContext?.seLinuxOptions);
  if (!options) return undefined;
  const type = isAbsent(options.type) ? '' : options.type;
  const badType = typeof type !== 'string' || !allowedTypes.has(type);
  const user = !isAbsent(options.user) && options.user !== '';
  const role = !isAbsent(options.role) && options.role !== '';
  if (!badType && !user && !role) return undefined;
  return { type: badType ? text(type) : undefined, user, role };
}

function seLinuxOptionsCheck(allowedTypes: ReadonlySet<string>): CheckFn {
  return (pod: PodView) => {
    const podViolation = violationOf(pod.securityContext, allowedTypes);
    let violations: Violation[] | undefined;
    let badContainers: string[] | undefined;
    for (const container of pod.containers) {
      const violation = violationOf(securityContextOf(container), allowedTypes);
      if (!violation) continue;
      (violations ??= []).push(violation);
      (badContainers ??= []).push(containerName(container));
    }
    if (!podViolation && !violations) return ALLOWED;

    const all = podViolation ? [podViolation, ...(violations ?? [])] : violations ?? [];
    const types = sortedSet(all.flatMap((v) => (v.type === undefined ? [] : [v.type])));
    const data: string[] = [];
    if (types.length > 0) data.push(`${pluralize('type', 'types', types.length)} ${joinQuote(types)}`);
    if (all.some((v) => v.user)) data.push('user may not be set');
    if (all.some((v) => v.role)) data.push('role may not be set');
    return forbidden('seLinuxOptions',
      `${setters(podViolation !== undefined, badContainers ?? [])} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}`);
  };
}

export const seLinuxOptions: PssCheck = {
  id: 'seLinuxOptions',
  level: 'baseline',
  severity: 'high',
  description: 'Custom SELinux users, roles or types can lift the confinement SELinux puts on containers.',
  remediation: 'Leave seLinuxOptions.user and .role unset and use a container type (container_t, container_init_t, container_kvm_t, container_engine_t).',
  versions: [
    { minVersion: 0, check: seLinuxOptionsCheck(TYPES_1_0) },
    { minVersion: 31, check: seLinuxOptionsCheck(TYPES_1_31) },
  ],
};
