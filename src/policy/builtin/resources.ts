// Missing CPU/memory requests or limits per container (seed 002: one workload without them can starve the others,
// or be used to exhaust the cluster). A request counts as set when the container's limit is set, because the API
// server defaults requests to limits; pod-level resources (spec.resources) cover every container of the pod.
// LimitRange defaults are applied in the cluster and are not visible offline.
import { asRecord, type PodTemplate } from '../../kube/pod-template.js';
import { RESOURCE_CONTAINER_FIELDS, containersAt, countLabel } from './containers.js';
import { verdict, type Finding } from './findings.js';
import type { RuleOutcome } from '../policy.js';

const RESOURCES: readonly [name: string, word: string][] = [['cpu', 'CPU'], ['memory', 'memory']];

export function checkResources(rule: string, pod: PodTemplate, which: 'requests' | 'limits'): RuleOutcome[] {
  const noun = which === 'limits' ? 'limit' : 'request';
  const podResources = asRecord(pod.spec.resources);
  const findings: Finding[] = [];
  const containers = containersAt(pod, RESOURCE_CONTAINER_FIELDS);
  for (const at of containers) {
    const resources = asRecord(at.container.resources);
    for (const [name, word] of RESOURCES) {
      const covered = isSet(asRecord(resources?.[which])?.[name])
        || isSet(asRecord(podResources?.[which])?.[name])
        || (which === 'requests' && (isSet(asRecord(resources?.limits)?.[name]) || isSet(asRecord(podResources?.limits)?.[name])));
      if (!covered) findings.push({ path: `${at.path}.resources.${which}.${name}`, message: `${at.label} has no ${word} ${noun}` });
    }
  }
  return verdict(rule, findings, `${countLabel(containers.length, 'container')} with CPU and memory ${noun}s`);
}

function isSet(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}
