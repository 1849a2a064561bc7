// Where admission finds the objects a request does not carry: the request's Namespace (namespaceObject) and the
// parameter objects policies reference (paramRef). Either a watched cache of the cluster (cluster-cache.ts) or,
// offline, a static file of manifests.
import type { ObjectLookup } from '../kube/matching/object-index.js';
import { ObjectIndex } from '../kube/matching/object-index.js';
import { readManifests } from '../kube/manifest-files.js';
import type { KubeObject } from '../kube/object.js';

export interface ClusterObjects extends ObjectLookup {
  /**
   * True when an object missing from this lookup does not exist (a synced watch of the cluster). A namespace that a
   * complete source does not know is then a Gatehouse failure rather than a namespace without labels, so a
   * not-yet-synced cache can never make a namespace-scoped policy silently not match.
   */
  readonly complete: boolean;
  /** For /readyz: a cluster cache is ready once every watched kind has been listed. */
  ready(): boolean;
  close(): Promise<void>;
}

/** The Namespace object the API server would give a policy: the stored one, or a bare one offline. */
export function namespaceObjectFor(objects: ClusterObjects, name: string): KubeObject | undefined {
  const found = objects.namespace(name);
  if (found || objects.complete) return found;
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } } };
}

/** Objects read once from manifest files (`kubectl get -A -o yaml` output works); errors name file and line. */
export async function loadStaticObjects(paths: readonly string[]): Promise<ClusterObjects> {
  const index = new ObjectIndex();
  const errors: string[] = [];
  for await (const entry of readManifests(paths)) {
    if (entry.type === 'object') index.add(entry.object);
    else errors.push(`${entry.source.file}:${entry.source.line}: ${entry.message}`);
  }
  if (errors.length > 0) throw new Error(`cannot load cluster objects: ${errors.slice(0, 5).join('; ')}${errors.length > 5 ? ` (and ${errors.length - 5} more)` : ''}`);
  return {
    complete: false,
    get: (group, kind, namespace, name) => index.get(group, kind, namespace, name),
    list: (group, kind, namespace, selector) => index.list(group, kind, namespace, selector),
    namespace: (name) => index.namespace(name),
    ready: () => true,
    close: async () => {},
  };
}

export const NO_CLUSTER_OBJECTS: ClusterObjects = {
  complete: false,
  get: () => undefined,
  list: () => [],
  namespace: () => undefined,
  ready: () => true,
  close: async () => {},
};
