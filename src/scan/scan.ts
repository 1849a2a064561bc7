// The offline scan: manifests in, results out. Reads one file at a time and hands each resource's results on as
// soon as they exist, keeping none, so memory follows the largest file rather than the size of the run.
import { readManifests } from '../kube/manifest-files.js';
import { DEFAULT_LIMITS, type ManifestLimits } from '../kube/manifests.js';
import type { SourceLocation } from '../kube/object.js';
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
  /** Receives the results of each resource, or of each unreadable document or file, in scan order. */
  onResults: (results: readonly PolicyResult[]) => void;
  /** Called after each resource with the count so far, for progress output. */
  onProgress?: (resources: number) => void;
}

export interface ScanOutcome {
  /** Objects evaluated (List items count one each). */
  resources: number;
  /** Documents or files that could not be read as Kubernetes objects. */
  inputErrors: number;
}

function inputErrorResult(message: string, source: SourceLocation): PolicyResult {
  return { policy: INPUT_POLICY, rule: INPUT_RULE.id, result: 'error', severity: INPUT_RULE.severity, message, source,
    category: INPUT_RULE.category, remediation: INPUT_RULE.remediation };
}

export async function scanPaths(paths: readonly string[], options: ScanOptions): Promise<ScanOutcome> {
  let resources = 0;
  let inputErrors = 0;
  for await (const entry of readManifests(paths, options.limits ?? DEFAULT_LIMITS)) {
    if (entry.type === 'error') {
      inputErrors++;
      options.onResults([inputErrorResult(entry.message, entry.source)]);
      continue;
    }
    options.onResults(await options.engine.evaluate({ object: entry.object, source: entry.source, operation: 'CREATE' }));
    resources++;
    options.onProgress?.(resources);
  }
  return { resources, inputErrors };
}
