// The offline scan: manifests in, results out. Reads one file at a time and keeps only results, so memory follows
// the number of findings rather than the size of the objects scanned.
import { readManifests } from '../kube/manifest-files.js';
import { DEFAULT_LIMITS, type ManifestLimits } from '../kube/manifests.js';
import type { PolicyEngine } from '../policy/engine.js';
import type { RuleInfo } from '../policy/policy.js';
import type { PolicyResult } from '../policy/result.js';

export const INPUT_POLICY = 'gatehouse-input';
export const INPUT_RULE: RuleInfo = {
  id: 'valid-manifest',
  severity: 'high',
  description: 'Every input document must parse and be a Kubernetes object; what cannot be read cannot be checked.',
  remediation: 'Fix the YAML or JSON at the reported line, or remove files that are not Kubernetes manifests from the scan.',
  category: 'Input',
};

export interface ScanOptions {
  engine: PolicyEngine;
  limits?: ManifestLimits;
  /** Called after each resource with the count so far, for progress output. */
  onProgress?: (resources: number) => void;
}

export interface ScanOutcome {
  results: PolicyResult[];
  /** Objects evaluated (List items count one each). */
  resources: number;
  /** Documents or files that could not be read as Kubernetes objects. */
  inputErrors: number;
}

export async function scanPaths(paths: readonly string[], options: ScanOptions): Promise<ScanOutcome> {
  const results: PolicyResult[] = [];
  let resources = 0;
  let inputErrors = 0;
  for await (const entry of readManifests(paths, options.limits ?? DEFAULT_LIMITS)) {
    if (entry.type === 'error') {
      inputErrors++;
      results.push({ policy: INPUT_POLICY, rule: INPUT_RULE.id, result: 'error', severity: INPUT_RULE.severity, message: entry.message,
        source: entry.source, category: INPUT_RULE.category, remediation: INPUT_RULE.remediation });
      continue;
    }
    for (const result of await options.engine.evaluate({ object: entry.object, source: entry.source, operation: 'CREATE' })) results.push(result);
    options.onProgress?.(++resources);
  }
  return { results, resources, inputErrors };
}
