// Whether a kind is cluster-scoped, for placing results in a ClusterPolicyReport. Offline there is no API
// discovery, so this knows the built-in cluster-scoped kinds and treats `Cluster*` kinds (ClusterRole,
// ClusterPolicy, ClusterIssuer…) as cluster-scoped too; any other kind is namespaced.
const CLUSTER_SCOPED_KINDS = new Set([
  'APIService', 'CertificateSigningRequest', 'ComponentStatus', 'CSIDriver', 'CSINode', 'CustomResourceDefinition',
  'FlowSchema', 'IngressClass', 'MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding', 'MutatingWebhookConfiguration',
  'Namespace', 'Node', 'PersistentVolume', 'PodSecurityPolicy', 'PriorityClass', 'PriorityLevelConfiguration',
  'RuntimeClass', 'SelfSubjectAccessReview', 'SelfSubjectReview', 'SelfSubjectRulesReview', 'StorageClass',
  'SubjectAccessReview', 'TokenReview', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
  'ValidatingWebhookConfiguration', 'VolumeAttachment', 'VolumeAttributesClass', 'DeviceClass', 'ResourceSlice',
]);

export function isClusterScopedKind(kind: string): boolean {
  return CLUSTER_SCOPED_KINDS.has(kind) || kind.startsWith('Cluster');
}
