// Reads policy files and folders into compiled Policies: ValidatingAdmissionPolicy (+ bindings), Kyverno
// ValidatingPolicy and ClusterPolicy/Policy. Each policy is compiled once here. Problems are collected, not thrown:
// errors name the file, line, policy and field path (and the expression position for CEL); policy kinds Gatehouse
// does not evaluate are listed as unsupported by name; other objects (params, namespaces) are returned for lookups.
import type { KubeObject, SourceLocation } from '../../kube/object.js';
import { readManifests } from '../../kube/manifest-files.js';
import type { ManifestEntry } from '../../kube/manifests.js';
import { EMPTY_LOOKUP, type ObjectLookup } from '../../kube/matching/object-index.js';
import { parseApiVersion } from '../../kube/matching/resources.js';
import type { Policy } from '../policy.js';
import { CLUSTER_POLICY_KINDS, KYVERNO_GROUP, createClusterPolicy, parseClusterPolicy } from '../kyverno/cluster-policy.js';
import { KYVERNO_POLICIES_GROUP, VALIDATING_POLICY_KINDS, createValidatingPolicy, parseValidatingPolicy } from '../kyverno/validating-policy.js';
import { VAP_API_GROUP, VAP_BINDING_KIND, VAP_KIND, parseVap, parseVapBinding, type Parsed, type VapBindingSpec, type VapSpec } from '../vap/parse.js';
import { createValidatingAdmissionPolicy } from '../vap/policy.js';
import { AggregateProgramError } from '../vap/program.js';

export interface PolicyLoadError {
  source: SourceLocation;
  /** `Kind/name` of the policy concerned, when known. */
  policy?: string;
  message: string;
}

export interface UnsupportedPolicy {
  source: SourceLocation;
  kind: string;
  name: string;
  reason: string;
}

export interface LoadedPolicies {
  policies: Policy[];
  errors: PolicyLoadError[];
  unsupported: UnsupportedPolicy[];
  /** Non-policy objects found in policy files (params, namespaces…), for lookups. */
  objects: { object: KubeObject; source: SourceLocation }[];
}

export interface LoadOptions {
  /** Where params, namespaces and Kyverno `resource.Get` look objects up. */
  lookup?: ObjectLookup;
}

/** Formats an error as one line per problem: `file:line: Kind/name: path: detail`. */
export function formatLoadError(error: PolicyLoadError): string {
  return `${error.source.file}:${error.source.line}: ${error.policy ? `${error.policy}: ` : ''}${error.message}`;
}

export async function loadPolicies(paths: readonly string[], options: LoadOptions = {}): Promise<LoadedPolicies> {
  const entries: ManifestEntry[] = [];
  for await (const entry of readManifests(paths)) entries.push(entry);
  return compilePolicies(entries, options);
}

/** Kyverno policy kinds that are not validation: reported, never evaluated. */
const UNSUPPORTED_KYVERNO_KINDS: Readonly<Record<string, string>> = {
  MutatingPolicy: 'mutation is not evaluated',
  NamespacedMutatingPolicy: 'mutation is not evaluated',
  GeneratingPolicy: 'generation is not evaluated',
  NamespacedGeneratingPolicy: 'generation is not evaluated',
  ImageValidatingPolicy: 'image verification policies are not evaluated',
  NamespacedImageValidatingPolicy: 'image verification policies are not evaluated',
  DeletingPolicy: 'deletion policies are not evaluated',
  NamespacedDeletingPolicy: 'deletion policies are not evaluated',
  ClusterCleanupPolicy: 'cleanup policies are not evaluated',
  CleanupPolicy: 'cleanup policies are not evaluated',
  PolicyException: 'policy exceptions are not applied',
};

export function compilePolicies(entries: readonly ManifestEntry[], options: LoadOptions = {}): LoadedPolicies {
  const lookup = options.lookup ?? EMPTY_LOOKUP;
  const out: LoadedPolicies = { policies: [], errors: [], unsupported: [], objects: [] };
  const vaps: { spec: VapSpec; source: SourceLocation }[] = [];
  const bindings: { spec: VapBindingSpec; source: SourceLocation }[] = [];

  for (const entry of entries) {
    if (entry.type === 'error') {
      out.errors.push({ source: entry.source, message: entry.message });
      continue;
    }
    const { object, source } = entry;
    const group = parseApiVersion(object.apiVersion).group;
    const label = `${object.kind}/${object.metadata?.name ?? ''}`;
    const parsed = <T>(result: Parsed<T>): T | undefined => {
      if (result.ok) return result.value;
      for (const message of result.errors) out.errors.push({ source, policy: label, message });
      return undefined;
    };
    const compile = (create: () => Policy) => {
      try {
        out.policies.push(create());
      } catch (error) {
        if (!(error instanceof AggregateProgramError)) throw error;
        for (const e of error.errors) out.errors.push({ source, policy: label, message: e.message });
      }
    };
    if (group === VAP_API_GROUP && object.kind === VAP_KIND) {
      const spec = parsed(parseVap(object));
      if (spec) vaps.push({ spec, source });
    } else if (group === VAP_API_GROUP && object.kind === VAP_BINDING_KIND) {
      const spec = parsed(parseVapBinding(object));
      if (spec) bindings.push({ spec, source });
    } else if (group === KYVERNO_POLICIES_GROUP && VALIDATING_POLICY_KINDS.includes(object.kind)) {
      const spec = parsed(parseValidatingPolicy(object));
      if (spec) compile(() => createValidatingPolicy(spec, lookup));
    } else if (group === KYVERNO_GROUP && CLUSTER_POLICY_KINDS.includes(object.kind)) {
      const spec = parsed(parseClusterPolicy(object));
      if (spec) {
        compile(() => createClusterPolicy(spec, { lookup }));
        for (const rule of spec.rules) {
          if (rule.unsupported) out.unsupported.push({ source, kind: object.kind, name: `${spec.name}/${rule.name}`, reason: `rule uses ${rule.unsupported}` });
        }
      }
    } else if ((group === KYVERNO_POLICIES_GROUP || group === KYVERNO_GROUP) && UNSUPPORTED_KYVERNO_KINDS[object.kind]) {
      out.unsupported.push({ source, kind: object.kind, name: object.metadata?.name ?? '', reason: UNSUPPORTED_KYVERNO_KINDS[object.kind]! });
    } else {
      out.objects.push({ object, source });
    }
  }

  for (const { spec, source } of vaps) {
    const own = bindings.filter((b) => b.spec.policyName === spec.name).map((b) => b.spec);
    try {
      out.policies.push(createValidatingAdmissionPolicy(spec, { bindings: own, lookup }));
    } catch (error) {
      if (!(error instanceof AggregateProgramError)) throw error;
      for (const e of error.errors) out.errors.push({ source, policy: `${VAP_KIND}/${spec.name}`, message: e.message });
    }
  }
  for (const { spec, source } of bindings) {
    if (!vaps.some((v) => v.spec.name === spec.policyName)) {
      out.errors.push({ source, policy: `${VAP_BINDING_KIND}/${spec.name}`, message: `spec.policyName: no ValidatingAdmissionPolicy named "${spec.policyName}" among the policy files` });
    }
  }
  return out;
}
