// The Pod Security Standards engine's public surface.
export type { PssLevel } from './check.js';
export type { PssVersion } from './version.js';
export { parsePssSelector } from './selector.js';
export { evaluatePodSecurity, forbiddenSummary, formatForbidden, type PssCheckResult, type PssSelector } from './evaluate.js';
export { createPodSecurityPolicy, podSecurityPolicyName } from './policy.js';
