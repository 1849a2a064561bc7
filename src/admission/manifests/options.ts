// What `gatehouse admission manifests` is told, and the names every generated object shares.
import type { FailurePolicy } from '../failure.js';
import type { WatchedKind } from '../cluster-cache.js';

export interface ManifestOptions {
  namespace: string;
  name: string;
  image: string;
  replicas: number;
  timeoutSeconds: number;
  failurePolicy: FailurePolicy;
  /** `generated`: a CA and serving certificate made now, in a Secret; `cert-manager`: Certificates and CA injection. */
  certificates: 'generated' | 'cert-manager';
  /** AdmissionConfiguration text, shipped in a ConfigMap. */
  configText?: string;
  /** Policy files shipped in a ConfigMap, by file name. */
  policies: Record<string, string>;
  paramKinds: readonly WatchedKind[];
}

export const LISTEN_PORT = 8443;
export const CONFIG_DIR = '/etc/gatehouse/config';
export const CONFIG_FILE = 'admission.yaml';
export const POLICY_DIR = '/etc/gatehouse/policies';
export const TLS_DIR = '/etc/gatehouse/tls';
/**
 * Marks Gatehouse's own pods so the webhooks skip them. A label anyone could set would be a bypass, so the
 * manifests also carry a ValidatingAdmissionPolicy (run by the API server itself) that refuses it elsewhere.
 */
export const OWN_POD_LABEL = 'gatehouse.dev/admission-webhook';

export function labelsOf(options: ManifestOptions): Record<string, string> {
  return { 'app.kubernetes.io/name': options.name, 'app.kubernetes.io/part-of': 'gatehouse', [OWN_POD_LABEL]: 'true' };
}

export function serviceHosts(options: ManifestOptions): string[] {
  const { name, namespace } = options;
  return [`${name}.${namespace}.svc`, `${name}.${namespace}.svc.cluster.local`, `${name}.${namespace}`, name];
}
