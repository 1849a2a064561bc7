// A watched cache of the objects admission looks up (Namespaces and policy parameter kinds), kept current by
// @kubernetes/client-node list+watch informers, so a request never waits for the API server: a webhook that calls
// the API server while the API server waits for the webhook is how clusters deadlock.
import type { CoreV1Api, Informer, KubeConfig, KubernetesListObject, KubernetesObject, ObjectCache } from '@kubernetes/client-node';
import { labelsOf, matchesLabelSelector } from '../kube/matching/label-selector.js';
import type { KubeObject } from '../kube/object.js';
import type { Logger } from '../server/logger.js';
import type { ClusterObjects } from './cluster-objects.js';

/** A kind to watch. `plural` is the resource name in the API path (`configmaps`, `widgets`). */
export interface WatchedKind {
  group: string;
  version: string;
  kind: string;
  plural: string;
}

export const NAMESPACES: WatchedKind = { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces' };

/** Core kinds a policy may take parameters from. Secrets are deliberately absent: they never enter the cache. */
const CORE_LISTS: Record<string, (api: CoreV1Api) => Promise<unknown>> = {
  namespaces: (api) => api.listNamespace(),
  configmaps: (api) => api.listConfigMapForAllNamespaces(),
};

type Watched = Informer<KubernetesObject> & ObjectCache<KubernetesObject>;

interface Entry {
  kind: WatchedKind;
  informer: Watched;
  synced: boolean;
}

const RESTART_DELAYS_MS = [500, 1000, 2000, 5000, 10_000, 30_000];

function keyOf(group: string, kind: string): string {
  return `${group}/${kind}`;
}

type ClientNode = typeof import('@kubernetes/client-node');

/**
 * The Kubernetes client is loaded only when a cluster is used: its HTTP stack needs a newer Node.js than the rest
 * of Gatehouse, and offline commands must not depend on it.
 */
export async function loadClientNode(): Promise<ClientNode> {
  try {
    return await import('@kubernetes/client-node');
  } catch (err) {
    throw new Error(`the Kubernetes client cannot be loaded on Node.js ${process.version}: ${(err as Error).message}`);
  }
}

/** A kubeconfig file, or the pod's service account (`inCluster`); errors name the source. */
export async function loadKubeConfig(source: { kubeconfig?: string; inCluster?: boolean }): Promise<KubeConfig> {
  const { KubeConfig } = await loadClientNode();
  const kc = new KubeConfig();
  const name = source.inCluster ? 'in-cluster configuration' : source.kubeconfig!;
  try {
    if (source.inCluster) kc.loadFromCluster();
    else kc.loadFromFile(source.kubeconfig!);
  } catch (err) {
    throw new Error(`${name}: ${(err as Error).message}`);
  }
  if (!kc.getCurrentCluster()) throw new Error(`${name}: no current cluster`);
  return kc;
}

function listFunction(client: ClientNode, kc: KubeConfig, kind: WatchedKind): () => Promise<KubernetesListObject<KubernetesObject>> {
  const { CoreV1Api, CustomObjectsApi } = client;
  if (kind.group === '') {
    const list = CORE_LISTS[kind.plural];
    if (!list) throw new Error(`cannot watch core kind ${kind.kind}: only ${Object.keys(CORE_LISTS).join(' and ')} are supported from the core group`);
    const api = kc.makeApiClient(CoreV1Api);
    return () => list(api) as Promise<KubernetesListObject<KubernetesObject>>;
  }
  const api = kc.makeApiClient(CustomObjectsApi);
  return () => api.listClusterCustomObject({ group: kind.group, version: kind.version, plural: kind.plural }) as Promise<KubernetesListObject<KubernetesObject>>;
}

function pathOf(kind: WatchedKind): string {
  return kind.group === '' ? `/api/${kind.version}/${kind.plural}` : `/apis/${kind.group}/${kind.version}/${kind.plural}`;
}

/**
 * Starts one informer per kind and resolves once each has listed (or failed its first list: the cache then reports
 * not ready and keeps retrying). After the first sync the cache keeps serving what it holds through API server
 * outages, because a webhook that goes unready on every replica at once blocks the cluster.
 */
export async function startClusterCache(kc: KubeConfig, kinds: readonly WatchedKind[], logger: Logger): Promise<ClusterObjects> {
  const client = await loadClientNode();
  const entries = new Map<string, Entry>();
  let closed = false;
  const timers = new Set<NodeJS.Timeout>();
  const start = async (entry: Entry, attempt: number): Promise<void> => {
    let failed = false;
    const onError = (err: unknown) => {
      failed = true;
      entry.informer.off('error', onError);
      if (closed) return;
      const delay = RESTART_DELAYS_MS[Math.min(attempt, RESTART_DELAYS_MS.length - 1)]!;
      logger.warn({ kind: entry.kind.kind, err: (err as Error)?.message ?? String(err), retryInMs: delay }, 'watch of cluster objects failed; retrying');
      const timer = setTimeout(() => {
        timers.delete(timer);
        void start(entry, attempt + 1);
      }, delay);
      timer.unref();
      timers.add(timer);
    };
    entry.informer.on('error', onError);
    await entry.informer.start();
    if (!failed && !entry.synced) {
      entry.synced = true;
      logger.info({ kind: entry.kind.kind, objects: entry.informer.list().length }, 'cluster objects cache synced');
    }
  };
  for (const kind of kinds) {
    const informer = client.makeInformer(kc, pathOf(kind), listFunction(client, kc, kind)) as Watched;
    entries.set(keyOf(kind.group, kind.kind), { kind, informer, synced: false });
  }
  await Promise.all([...entries.values()].map((entry) => start(entry, 0)));

  const cacheOf = (group: string, kind: string) => entries.get(keyOf(group, kind))?.informer;
  const get = (group: string, kind: string, namespace: string, name: string): KubeObject | undefined =>
    cacheOf(group, kind)?.get(name, namespace === '' ? undefined : namespace) as KubeObject | undefined;
  return {
    complete: true,
    get,
    list(group, kind, namespace, selector) {
      const all = (cacheOf(group, kind)?.list(namespace === '' ? undefined : namespace) ?? []) as KubeObject[];
      return selector ? all.filter((o) => matchesLabelSelector(selector, labelsOf(o))) : [...all];
    },
    namespace: (name) => get('', 'Namespace', '', name),
    ready: () => [...entries.values()].every((e) => e.synced),
    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      await Promise.all([...entries.values()].map((e) => e.informer.stop()));
    },
  };
}
