// The live cluster side of `gatehouse audit`: lists the objects the policies judge (page by page, so the API server
// holds one page at a time) and applies PolicyReports with server-side apply, so a re-run replaces Gatehouse's own
// reports and nothing else.
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../kube/object.js';
import { listedKind, listPages, serverSideApply } from './kube-api.js';

/** Namespaces (for namespaceSelector) and every kind that carries a pod template. */
export const AUDITED_KINDS = [
  listedKind('v1', 'Namespace'),
  listedKind('v1', 'Pod'),
  listedKind('v1', 'ReplicationController'),
  listedKind('v1', 'PodTemplate'),
  listedKind('apps/v1', 'Deployment'),
  listedKind('apps/v1', 'ReplicaSet'),
  listedKind('apps/v1', 'StatefulSet'),
  listedKind('apps/v1', 'DaemonSet'),
  listedKind('batch/v1', 'Job'),
  listedKind('batch/v1', 'CronJob'),
];

const FIELD_MANAGER = 'gatehouse-audit';

export async function listClusterObjects(kc: KubeConfig): Promise<KubeObject[]> {
  const out: KubeObject[] = [];
  for (const listed of AUDITED_KINDS) {
    for await (const page of listPages(kc, listed)) out.push(...page.items);
  }
  return out;
}

export async function applyReports(kc: KubeConfig, reports: readonly KubeObject[]): Promise<void> {
  for (const report of reports) await serverSideApply(kc, report, FIELD_MANAGER);
}
