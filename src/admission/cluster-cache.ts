// A watched cache of the objects admission looks up (Namespaces and policy parameter kinds), kept current by
// @kubernetes/client-node list+watch informers, so a request never waits for the API server: a webhook that calls
// the API server while the API server waits for the webhook is how clusters deadlock.
import type { Informer, KubeConfig, KubernetesListObject, KubernetesObject, ObjectCache } from '@kubernetes/client-node';
import { labelsOf, matchesLabelSelector } from '../kube/matching/label-selector.js';
import type { KubeObject } from '../kube/object.js';
import type { Logger } from '../server/logger.js';
import type { ClusterObjects } from './cluster-objects.js';
import { listAll, type ListedKind } from './kube-api.js';

/** A kind to watch. `plural` is the resource name in the API path (`configmaps`, `widgets`). */
export interface WatchedKind {
  group: string;
  version: string;
  kind: string;
  plural: string;
}

export const NAMESPACES: WatchedKind = { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces' };

type Watched = Informer<KubernetesObject> & ObjectCache<KubernetesObject>;

interface Entry {
  kind: WatchedKind;
  informer: Watched;
  synced: boolean;
  /** Failed starts in a row, for the backoff; reset by a start that lists and watches. */
  failures: number;
}

const RESTART_DELAYS_MS = [500, 1000, 2000, 5000, 10_000, 30_000];

function keyOf(group: string, kind: string): string {
  return `${group}/${kind}`;
}

type ClientNode = typeof import('@kubernetes/client-node');

/** The Kubernetes client is loaded only when a cluster is used, so offline commands neither load nor depend on it. */
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

function listedOf(kind: WatchedKind): ListedKind {
  const apiVersion = kind.group === '' ? kind.version : `${kind.group}/${kind.version}`;
  return { apiVersion, kind: kind.kind, path: kind.group === '' ? `/api/${kind.version}/${kind.plural}` : `/apis/${kind.group}/${kind.version}/${kind.plural}` };
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
  // The informer restarts a watch that ends by itself (from its last resourceVersion, or with a fresh list after
  // 410 Gone) but stops on an error (API server unreachable, 5xx, 403); it is then started again after a backoff.
  const start = async (entry: Entry): Promise<void> => {
    let failed = false;
    const onError = (err: unknown) => {
      failed = true;
      entry.informer.off('error', onError);
      if (closed) return;
      const delay = RESTART_DELAYS_MS[Math.min(entry.failures++, RESTART_DELAYS_MS.length - 1)]!;
      logger.warn({ kind: entry.kind.kind, err: (err as Error)?.message ?? String(err), retryInMs: delay }, 'watch of cluster objects failed; retrying');
      const timer = setTimeout(() => {
        timers.delete(timer);
        void start(entry);
      }, delay);
      timer.unref();
      timers.add(timer);
    };
    entry.informer.on('error', onError);
    await entry.informer.start();
    if (failed) return;
    entry.failures = 0;
    if (!entry.synced) {
      entry.synced = true;
      logger.info({ kind: entry.kind.kind, objects: entry.informer.list().length }, 'cluster objects cache synced');
    }
  };
  for (const kind of kinds) {
    const listed = listedOf(kind);
    // Listed as raw JSON, like the watch events that follow: objects as stored, every field kept.
    const list = () => listAll(kc, listed) as unknown as Promise<KubernetesListObject<KubernetesObject>>;
    const informer = client.makeInformer(kc, listed.path, list) as Watched;
    entries.set(keyOf(kind.group, kind.kind), { kind, informer, synced: false, failures: 0 });
  }
  await Promise.all([...entries.values()].map(start));

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
