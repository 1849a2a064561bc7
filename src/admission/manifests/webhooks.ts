// The Validating- and MutatingWebhookConfiguration, built so the webhook can never lock the cluster or itself out:
// kube-system, Gatehouse's namespace and Gatehouse's own pods are exempt, timeouts are short, and nothing the
// webhook judges is needed for it to start.
import type { KubeObject } from '../../kube/object.js';
import { labelsOf, OWN_POD_LABEL, type ManifestOptions } from './options.js';

const POD_RULE = { apiGroups: [''], apiVersions: ['v1'], resources: ['pods', 'pods/ephemeralcontainers'], scope: 'Namespaced' };
const WORKLOAD_RULES = [
  { apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'], scope: 'Namespaced' },
  { apiGroups: ['batch'], apiVersions: ['v1'], resources: ['jobs', 'cronjobs'], scope: 'Namespaced' },
  { apiGroups: [''], apiVersions: ['v1'], resources: ['replicationcontrollers', 'podtemplates'], scope: 'Namespaced' },
];

/** Shared by both webhooks: what they skip, and how they fail. */
function common(options: ManifestOptions, path: string, caBundle: string | undefined): Record<string, unknown> {
  return {
    admissionReviewVersions: ['v1'],
    clientConfig: {
      service: { namespace: options.namespace, name: options.name, path, port: 443 },
      ...(caBundle ? { caBundle } : {}),
    },
    failurePolicy: options.failurePolicy,
    // Equivalent: a request through another API group/version of the same resource (extensions/v1beta1…) still comes.
    matchPolicy: 'Equivalent',
    sideEffects: 'None',
    timeoutSeconds: options.timeoutSeconds,
    namespaceSelector: {
      matchExpressions: [
        // The API server sets this label on every namespace from its name; nobody can change it.
        { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', options.namespace] },
      ],
    },
    objectSelector: { matchExpressions: [{ key: OWN_POD_LABEL, operator: 'DoesNotExist' }] },
  };
}

function metadata(options: ManifestOptions, certificateName: string | undefined): Record<string, unknown> {
  return {
    name: options.name,
    labels: { 'app.kubernetes.io/name': options.name, 'app.kubernetes.io/part-of': 'gatehouse' },
    ...(certificateName ? { annotations: { 'cert-manager.io/inject-ca-from': `${options.namespace}/${certificateName}` } } : {}),
  };
}

/** `caBundle` (base64 PEM) when the certificate was generated; `certificateName` for cert-manager CA injection. */
export function webhookConfigurations(options: ManifestOptions, ca: { caBundle?: string; certificateName?: string }): KubeObject[] {
  const validating: KubeObject = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: metadata(options, ca.certificateName),
    webhooks: [{
      name: `validate.${options.name}.gatehouse.dev`,
      ...common(options, '/validate', ca.caBundle),
      rules: [
        { operations: ['CREATE', 'UPDATE'], ...POD_RULE },
        // DELETE too: identity policies decide who may remove workloads, not only what they contain.
        ...WORKLOAD_RULES.map((rule) => ({ operations: ['CREATE', 'UPDATE', 'DELETE'], ...rule })),
      ],
    }],
  };
  const mutating: KubeObject = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: metadata(options, ca.certificateName),
    webhooks: [{
      name: `mutate.${options.name}.gatehouse.dev`,
      ...common(options, '/mutate', ca.caBundle),
      // Defaults only fill unset fields; another mutating webhook's changes do not need a second pass.
      reinvocationPolicy: 'Never',
      rules: [
        { operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], scope: 'Namespaced' },
        ...WORKLOAD_RULES.map((rule) => ({ operations: ['CREATE', 'UPDATE'], ...rule })),
      ],
    }],
  };
  return [mutating, validating];
}

/**
 * The webhooks skip objects labelled as Gatehouse's own pods. This ValidatingAdmissionPolicy — evaluated inside
 * the API server, so it cannot deadlock — refuses that label outside Gatehouse's namespace, so it is no bypass.
 */
export function ownLabelGuard(options: ManifestOptions): KubeObject[] {
  const name = `${options.name}-own-label`;
  return [
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name, labels: labelsOf(options) },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          resourceRules: [{ apiGroups: ['*'], apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources: ['*'], scope: 'Namespaced' }],
        },
        validations: [{
          expression: `!has(object.metadata.labels) || !('${OWN_POD_LABEL}' in object.metadata.labels) || request.namespace == '${options.namespace}'`,
          message: `the ${OWN_POD_LABEL} label exempts objects from Gatehouse's webhooks and is reserved for namespace ${options.namespace}`,
          reason: 'Forbidden',
        }],
      },
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name, labels: labelsOf(options) },
      spec: { policyName: name, validationActions: ['Deny'] },
    },
  ];
}
