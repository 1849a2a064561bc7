// Options of the built-in policy and their defaults. The ScanConfiguration (src/config) produces these.
import { RegistryAllowList } from './registry-allow-list.js';

export interface BuiltinPolicyOptions {
  /** Registry hosts or registry/repository prefixes images may come from. Unset: image-registry-not-allowed skips. */
  allowedRegistries?: readonly string[];
  /** Label keys every workload, Service and Ingress must carry. */
  requiredLabels?: readonly string[];
}

export const DEFAULT_REQUIRED_LABELS: readonly string[] = ['app.kubernetes.io/name'];

export interface ResolvedBuiltinOptions {
  registryAllowList?: RegistryAllowList;
  requiredLabels: readonly string[];
}

/** Validates and prepares options once per policy; throws on an invalid allow-list entry. */
export function resolveBuiltinOptions(options: BuiltinPolicyOptions): ResolvedBuiltinOptions {
  const resolved: ResolvedBuiltinOptions = { requiredLabels: options.requiredLabels ?? DEFAULT_REQUIRED_LABELS };
  if (options.allowedRegistries !== undefined) resolved.registryAllowList = new RegistryAllowList(options.allowedRegistries);
  return resolved;
}
