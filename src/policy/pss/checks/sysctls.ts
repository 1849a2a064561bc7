// Most sysctls are node-wide or weaken isolation; only a namespaced, pod-isolated "safe" set is allowed, and the set
// grows with the policy version.
import { ALLOWED, forbidden, type CheckFn, type PssCheck } from '../check.js';
import { asRecord } from '../../../kube/pod-template.js';
import { text, type PodView } from '../pod.js';

const SAFE_1_0 = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start'];
const SAFE_1_27 = [...SAFE_1_0, 'net.ipv4.ip_local_reserved_ports'];
const SAFE_1_29 = [...SAFE_1_27, 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes'];
const SAFE_1_32 = [...SAFE_1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];
const SAFE_1_37 = [...SAFE_1_32, 'net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'];

function sysctlName(entry: unknown): unknown {
  return asRecord(entry)?.name;
}

function sysctlsCheck(safeList: readonly string[]): CheckFn {
  const safe: ReadonlySet<unknown> = new Set(safeList);
  return (pod: PodView) => {
    const sysctls = pod.securityContext?.sysctls;
    if (!Array.isArray(sysctls)) return ALLOWED;
    let bad: string[] | undefined;
    // Listed in the pod's order with repeats, as PSA lists them.
    for (const entry of sysctls) if (!safe.has(sysctlName(entry))) (bad ??= []).push(text(sysctlName(entry)));
    return bad ? forbidden('forbidden sysctls', bad.join(', ')) : ALLOWED;
  };
}

export const sysctls: PssCheck = {
  id: 'sysctls',
  level: 'baseline',
  severity: 'high',
  description: 'Sysctls outside the safe, namespaced set can change the node kernel for every pod on it.',
  remediation: 'Remove spec.securityContext.sysctls entries that are not in the safe set for the selected policy version.',
  versions: [
    { minVersion: 0, check: sysctlsCheck(SAFE_1_0) },
    { minVersion: 27, check: sysctlsCheck(SAFE_1_27) },
    { minVersion: 29, check: sysctlsCheck(SAFE_1_29) },
    { minVersion: 32, check: sysctlsCheck(SAFE_1_32) },
    { minVersion: 37, check: sysctlsCheck(SAFE_1_37) },
  ],
};
