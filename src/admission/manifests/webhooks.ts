// The Validating- and MutatingWebhookConfiguration, built so the webhook can never lock the cluster or itself out:
// kube-system, Gatehouse's namespace and Gatehouse's own pods are exempt, timeouts are short, and nothing the
// webhook judges is needed for it to start.
import type { KubeObject } from '../../kube/object.js';
import { labelsOf, OWN_POD_LABEL, type ManifestOptions } from './options.js';
import type { WebhookRule } from './policy-rules.js';

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

const POD_OPERATIONS = ['CREATE', 'UPDATE'];
const WORKLOAD_OPERATIONS = ['CREATE', 'UPDATE', 'DELETE'];

/** What the validating webhook receives without looking at the policies, as `OPERATION group/resource`. */
export const COVERED_RESOURCES: ReadonlySet<string> = new Set([
  ...coverage(POD_RULE, POD_OPERATIONS),
  ...WORKLOAD_RULES.flatMap((rule) => coverage(rule, WORKLOAD_OPERATIONS)),
]);

function coverage(rule: { apiGroups: string[]; resources: string[] }, operations: string[]): string[] {
  return operations.flatMap((op) => rule.apiGroups.flatMap((group) => rule.resources.map((resource) => `${op} ${group}/${resource}`)));
}

/**
 * `caBundle` (base64 PEM) when the certificate was generated; `certificateName` for cert-manager CA injection;
 * `policyRules`: what the shipped policies match beyond pods and their owners (policy-rules.ts).
 */
export function webhookConfigurations(options: ManifestOptions, ca: { caBundle?: string; certificateName?: string }, policyRules: readonly WebhookRule[] = []): KubeObject[] {
  const validating: KubeObject = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: metadata(options, ca.certificateName),
    webhooks: [{
      name: `validate.${options.name}.gatehouse.dev`,
      ...common(options, '/validate', ca.caBundle),
      rules: [
        { operations: POD_OPERATIONS, ...POD_RULE },
        // DELETE too: identity policies decide who may remove workloads, not only what they contain.
        ...WORKLOAD_RULES.map((rule) => ({ operations: WORKLOAD_OPERATIONS, ...rule })),
        ...policyRules,
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
