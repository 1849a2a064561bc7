// Seed 001 ("isolate your cluster from the internet"): a LoadBalancer Service without loadBalancerSourceRanges
// (or the equivalent annotation) is open to the whole internet; a NodePort Service opens a port on every node,
// which no source range can restrict; spec.externalIPs routes outside addresses straight to the Service.
// Cloud annotations that make the load balancer internal lower the finding to `low`: it is then reachable from the
// private network only, which is still wider than most workloads need.
import { asRecord } from '../../../kube/pod-template.js';
import { passed, failed, type Finding } from '../findings.js';
import type { BuiltinRule } from '../rule.js';

const ID = 'service-exposed-without-source-ranges';
const SOURCE_RANGES_ANNOTATION = 'service.beta.kubernetes.io/load-balancer-source-ranges';
const OPEN_RANGES = new Set(['0.0.0.0/0', '::/0']);

/** Annotation → values that make a cloud load balancer internal (compared case-insensitively). */
const INTERNAL_ANNOTATIONS: readonly [key: string, values: readonly string[]][] = [
  ['service.beta.kubernetes.io/aws-load-balancer-internal', ['true', '0.0.0.0/0']],
  ['service.beta.kubernetes.io/aws-load-balancer-scheme', ['internal']],
  ['service.beta.kubernetes.io/azure-load-balancer-internal', ['true']],
  ['networking.gke.io/load-balancer-type', ['internal']],
  ['cloud.google.com/load-balancer-type', ['internal']],
  ['service.beta.kubernetes.io/oci-load-balancer-internal', ['true']],
  ['service.beta.kubernetes.io/openstack-internal-load-balancer', ['true']],
  ['service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type', ['private']],
  ['service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type', ['intranet']],
];

export const serviceExposedWithoutSourceRanges: BuiltinRule = {
  id: ID,
  severity: 'high',
  category: 'Network exposure',
  seed: '001',
  description: 'Services reachable from the internet without a source restriction expose the workload to every scanner and attacker.',
  remediation: 'Prefer ClusterIP behind an Ingress or gateway; for a LoadBalancer set spec.loadBalancerSourceRanges to the networks that need access, or make it internal.',
  appliesTo: ['service'],
  check(subject) {
    if (subject.type !== 'service') return [];
    const annotations = asRecord(subject.object.metadata?.annotations) ?? {};
    const spec = asRecord(subject.object.spec) ?? {};
    const type = typeof spec.type === 'string' && spec.type !== '' ? spec.type : 'ClusterIP';
    const findings: Finding[] = [];
    if (type === 'LoadBalancer') {
      const finding = loadBalancerFinding(spec, annotations);
      if (finding) findings.push(finding);
    } else if (type === 'NodePort') {
      const ports = nodePorts(spec.ports);
      findings.push({
        path: 'spec.type',
        severity: 'medium',
        message: `type NodePort opens ${ports.length > 0 ? `port ${ports.join(', ')}` : 'a port'} on every node's address; source ranges cannot restrict NodePort Services`,
      });
    }
    const externalIPs = Array.isArray(spec.externalIPs) ? spec.externalIPs.filter((ip): ip is string => typeof ip === 'string') : [];
    if (externalIPs.length > 0) {
      findings.push({ path: 'spec.externalIPs', severity: 'medium', message: `spec.externalIPs routes traffic for ${externalIPs.join(', ')} to the Service without any source restriction` });
    }
    if (findings.length > 0) return failed(ID, findings);
    return passed(ID, type === 'LoadBalancer' ? 'the load balancer admits only spec.loadBalancerSourceRanges' : `type ${type} is not exposed outside the cluster`);
  },
};

function loadBalancerFinding(spec: Record<string, unknown>, annotations: Record<string, unknown>): Finding | undefined {
  const fromSpec = Array.isArray(spec.loadBalancerSourceRanges)
    ? spec.loadBalancerSourceRanges.filter((r): r is string => typeof r === 'string' && r.trim() !== '').map((r) => r.trim())
    : [];
  const annotation = annotations[SOURCE_RANGES_ANNOTATION];
  // The annotation is used only when the field is empty, as the service controller does.
  const ranges = fromSpec.length > 0 ? fromSpec : (typeof annotation === 'string' ? annotation.split(',').map((r) => r.trim()).filter((r) => r !== '') : []);
  const path = fromSpec.length > 0 || ranges.length === 0 ? 'spec.loadBalancerSourceRanges' : `metadata.annotations["${SOURCE_RANGES_ANNOTATION}"]`;
  const open = ranges.find((r) => OPEN_RANGES.has(r));
  if (ranges.length > 0 && !open) return undefined;
  const internal = internalAnnotation(annotations);
  const problem = open ? `${path} includes ${open}, which admits any address` : `type LoadBalancer has no ${path}`;
  if (internal) return { path, severity: 'low', message: `${problem}; the load balancer is internal (${internal}), so it is open to the whole private network` };
  return { path, message: `${problem}, so it is open to the internet` };
}

function internalAnnotation(annotations: Record<string, unknown>): string | undefined {
  for (const [key, values] of INTERNAL_ANNOTATIONS) {
    const raw = annotations[key];
    // YAML turns an unquoted `true` into a boolean; the intent is the same.
    const value = typeof raw === 'string' || typeof raw === 'boolean' ? String(raw) : undefined;
    if (value !== undefined && values.includes(value.trim().toLowerCase())) return `${key}: "${value}"`;
  }
  return undefined;
}

function nodePorts(ports: unknown): number[] {
  if (!Array.isArray(ports)) return [];
  return ports.map((p: unknown) => asRecord(p)?.nodePort).filter((n): n is number => typeof n === 'number');
}
