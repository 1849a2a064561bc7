// Every object a cluster needs to run the admission webhook, in the order `kubectl apply` should create them:
// the workload and its certificate before the webhook configurations that send requests to it.
import type { KubeObject } from '../../kube/object.js';
import { servingCertificate } from './certificates.js';
import type { ManifestOptions } from './options.js';
import { rulesForPolicies } from './policy-rules.js';
import { COVERED_RESOURCES, ownLabelGuard, webhookConfigurations } from './webhooks.js';
import { workloadManifests } from './workload.js';

/** The objects, and warnings about policy matches that were not turned into webhook rules (policy-rules.ts). */
export async function admissionManifests(options: ManifestOptions): Promise<{ objects: KubeObject[]; warnings: string[] }> {
  const certificate = await servingCertificate(options);
  const [namespace, ...workload] = workloadManifests(options, certificate.secretName);
  const { rules, warnings } = rulesForPolicies(options.policies, COVERED_RESOURCES);
  const objects = [
    namespace!,
    ...certificate.objects,
    ...workload,
    ...ownLabelGuard(options),
    ...webhookConfigurations(options, certificate, rules),
  ];
  return { objects, warnings };
}
