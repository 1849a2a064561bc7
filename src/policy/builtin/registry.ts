// The catalogue of built-in rules, in the order docs/rules.md and reports list them.
import { automountServiceAccountToken } from './rules/automount-service-account-token.js';
import { defaultNamespace } from './rules/default-namespace.js';
import { defaultServiceAccount } from './rules/default-service-account.js';
import { imageLatestTag } from './rules/image-latest-tag.js';
import { imageNotPinnedByDigest } from './rules/image-not-pinned-by-digest.js';
import { imageRegistryNotAllowed } from './rules/image-registry-not-allowed.js';
import { ingressWithoutTls } from './rules/ingress-without-tls.js';
import { requiredLabels } from './rules/required-labels.js';
import { resourceLimits } from './rules/resource-limits.js';
import { resourceRequests } from './rules/resource-requests.js';
import { secretInEnv } from './rules/secret-in-env.js';
import { serviceExposedWithoutSourceRanges } from './rules/service-exposed-without-source-ranges.js';
import { writableRootFilesystem } from './rules/writable-root-filesystem.js';
import type { BuiltinRule } from './rule.js';

export const BUILTIN_RULES: readonly BuiltinRule[] = [
  automountServiceAccountToken,
  defaultServiceAccount,
  defaultNamespace,
  resourceRequests,
  resourceLimits,
  imageLatestTag,
  imageNotPinnedByDigest,
  imageRegistryNotAllowed,
  requiredLabels,
  writableRootFilesystem,
  secretInEnv,
  serviceExposedWithoutSourceRanges,
  ingressWithoutTls,
];
