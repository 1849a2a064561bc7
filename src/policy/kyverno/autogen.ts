// Kyverno's auto-generated rules for pod controllers: a rule written for Pods also judges the pod template of
// Deployments, CronJobs… Kyverno rewrites the expressions' `object.spec`/`object.metadata` to the template's;
// Gatehouse evaluates the unchanged expressions against a pod view of the controller instead, which is the same
// thing without rewriting source text: the template's metadata and spec, the controller's namespace, apiVersion
// and kind.
import type { KubeObject } from '../../kube/object.js';
import { podTemplateOf } from '../../kube/pod-template.js';
import type { ObjectView } from '../vap/cel-activation.js';

export const AUTOGEN_ANNOTATION = 'pod-policies.kyverno.io/autogen-controllers';

/** ClusterPolicy defaults (kinds). */
export const CLUSTER_POLICY_CONTROLLERS: readonly string[] = ['DaemonSet', 'Deployment', 'Job', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'CronJob'];

/** ValidatingPolicy defaults (resources) and their kinds. */
export const VALIDATING_POLICY_CONTROLLERS: Readonly<Record<string, { group: string; kind: string }>> = {
  daemonsets: { group: 'apps', kind: 'DaemonSet' },
  deployments: { group: 'apps', kind: 'Deployment' },
  statefulsets: { group: 'apps', kind: 'StatefulSet' },
  replicasets: { group: 'apps', kind: 'ReplicaSet' },
  jobs: { group: 'batch', kind: 'Job' },
  cronjobs: { group: 'batch', kind: 'CronJob' },
};

/** Kubernetes names are at most 63 characters; Kyverno truncates generated rule names the same way. */
export function autogenRuleName(rule: string, kind: string): string {
  const name = `${kind === 'CronJob' ? 'autogen-cronjob' : 'autogen'}-${rule}`;
  return name.length > 63 ? name.slice(0, 63) : name;
}

/** The name under which activations keep the pod template view (CelActivation.view). */
export const POD_TEMPLATE_VIEW = 'kyverno.autogen.pod';

/**
 * The Pods a controller's objects stamp out, as autogen rules see them; undefined when an object has no pod
 * template. Activations build it once per request, so every policy sees (and converts) the same view.
 */
export function podTemplateView(object: KubeObject | null, oldObject: KubeObject | null): ObjectView | undefined {
  const view = { object: object && buildPodView(object), oldObject: oldObject && buildPodView(oldObject) };
  return view.object === undefined || view.oldObject === undefined ? undefined : (view as ObjectView);
}

function buildPodView(object: KubeObject): KubeObject | undefined {
  const template = podTemplateOf(object);
  if (!template || object.kind === 'Pod') return undefined;
  const namespace = object.metadata?.namespace;
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: namespace ? { ...template.metadata, namespace } : { ...template.metadata },
    spec: template.spec,
  };
}
