// The live cluster side of `gatehouse audit`: lists the objects the policies judge (page by page, so memory follows
// the page size on the API server side) and applies PolicyReports with server-side apply, so a re-run replaces
// Gatehouse's own reports and nothing else.
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import type { KubeObject } from '../kube/object.js';
import { loadClientNode } from './cluster-cache.js';

/** Namespaces (for namespaceSelector) and every kind that carries a pod template. */
export const AUDITED_KINDS: readonly { apiVersion: string; kind: string }[] = [
  { apiVersion: 'v1', kind: 'Namespace' },
  { apiVersion: 'v1', kind: 'Pod' },
  { apiVersion: 'v1', kind: 'ReplicationController' },
  { apiVersion: 'v1', kind: 'PodTemplate' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'apps/v1', kind: 'ReplicaSet' },
  { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  { apiVersion: 'apps/v1', kind: 'DaemonSet' },
  { apiVersion: 'batch/v1', kind: 'Job' },
  { apiVersion: 'batch/v1', kind: 'CronJob' },
];

const PAGE_SIZE = 500;
const FIELD_MANAGER = 'gatehouse-audit';

export async function listClusterObjects(kc: KubeConfig): Promise<KubeObject[]> {
  const { KubernetesObjectApi } = await loadClientNode();
  const api = KubernetesObjectApi.makeApiClient(kc);
  const out: KubeObject[] = [];
  for (const { apiVersion, kind } of AUDITED_KINDS) {
    let continueToken: string | undefined;
    do {
      const page = await api.list<KubernetesObject>(apiVersion, kind, undefined, undefined, undefined, undefined, undefined, undefined, PAGE_SIZE, continueToken);
      // List items come without apiVersion and kind; the policies need both.
      for (const item of page.items) out.push({ ...(item as unknown as KubeObject), apiVersion, kind });
      continueToken = page.metadata?._continue || undefined;
    } while (continueToken);
  }
  return out;
}

export async function applyReports(kc: KubeConfig, reports: readonly KubeObject[]): Promise<void> {
  const { KubernetesObjectApi, PatchStrategy } = await loadClientNode();
  const api = KubernetesObjectApi.makeApiClient(kc);
  for (const report of reports) {
    await api.patch(report as unknown as KubernetesObject, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
  }
}
