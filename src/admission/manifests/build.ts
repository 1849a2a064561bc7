// Every object a cluster needs to run the admission webhook, in the order `kubectl apply` should create them:
// the workload and its certificate before the webhook configurations that send requests to it.
import type { KubeObject } from '../../kube/object.js';
import { servingCertificate } from './certificates.js';
import type { ManifestOptions } from './options.js';
import { ownLabelGuard, webhookConfigurations } from './webhooks.js';
import { workloadManifests } from './workload.js';

export async function admissionManifests(options: ManifestOptions): Promise<KubeObject[]> {
  const certificate = await servingCertificate(options);
  const [namespace, ...workload] = workloadManifests(options, certificate.secretName);
  return [
    namespace!,
    ...certificate.objects,
    ...workload,
    ...ownLabelGuard(options),
    ...webhookConfigurations(options, certificate),
  ];
}
