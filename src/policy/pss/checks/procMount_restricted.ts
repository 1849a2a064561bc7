// Restricted keeps /proc masked even for user-namespaced pods, replacing the relaxed baseline check from v1.35.
import type { PssCheck } from '../check.js';
import { procMount, procMount_1_0 } from './procMount.js';

export const procMount_restricted: PssCheck = {
  id: 'procMount_restricted',
  level: 'restricted',
  severity: 'high',
  description: 'Restricted pods must keep the default /proc mask, even when they run in a user namespace.',
  remediation: 'Remove securityContext.procMount or set it to Default on every container.',
  versions: [{ minVersion: 35, check: procMount_1_0, overrides: [procMount.id] }],
};
