// Seed 001: "you can require owner labels" — labels are how people, cost reports, policies and incident
// responders find who owns a workload. Checked on the object, and for controllers also on the pod template,
// because the pods they create carry only the template's labels. An empty value counts as missing.
import { asRecord } from '../../../kube/pod-template.js';
import { verdict, type Finding } from '../findings.js';
import type { BuiltinRule } from '../rule.js';

const ID = 'required-labels';

export const requiredLabels: BuiltinRule = {
  id: ID,
  severity: 'low',
  category: 'Ownership',
  seed: '001',
  description: 'Every workload, Service and Ingress should carry the labels that say what it is and who owns it.',
  remediation: 'Add the missing labels to metadata.labels (and to the pod template\'s metadata.labels for controllers); the required keys are set by labels.required in the ScanConfiguration.',
  appliesTo: ['workload', 'service', 'ingress'],
  check(subject, options) {
    const places: [labels: unknown, path: string][] = [[subject.object.metadata?.labels, 'metadata.labels']];
    if (subject.type === 'workload' && subject.object.kind !== 'Pod') {
      places.push([subject.pod.metadata.labels, `${subject.pod.specPath.replace(/\.spec$/, '')}.metadata.labels`]);
    }
    const findings: Finding[] = [];
    for (const [labels, path] of places) {
      const record = asRecord(labels);
      for (const key of options.requiredLabels) {
        const value = record?.[key];
        const at = `${path}[${JSON.stringify(key)}]`;
        if (value === undefined || value === null) findings.push({ path: at, message: `label "${key}" is missing from ${path}` });
        else if (value === '') findings.push({ path: at, message: `label "${key}" is empty in ${path}` });
      }
    }
    return verdict(ID, findings, `has the required labels (${options.requiredLabels.join(', ')})`);
  },
};
