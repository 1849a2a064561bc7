// Seeds 001 and 002: only images from registries the organisation trusts (its own, its CI's) may run. Without a
// configured allow-list there is nothing to compare against, so the rule reports a single skip.
import { judgeImages } from '../images.js';
import { skipped } from '../findings.js';
import type { BuiltinRule } from '../rule.js';

const ID = 'image-registry-not-allowed';

export const imageRegistryNotAllowed: BuiltinRule = {
  id: ID,
  severity: 'high',
  category: 'Supply chain',
  seed: '001',
  description: 'Images must come from trusted registries; anything else bypasses the organisation\'s build, scan and signing pipeline.',
  remediation: 'Mirror or rebuild the image into an allowed registry, or add its registry/repository prefix to registries.allowed in the ScanConfiguration.',
  appliesTo: ['workload'],
  check(subject, options) {
    if (subject.type !== 'workload') return [];
    const allowList = options.registryAllowList;
    if (!allowList) return skipped(ID, 'no registry allow-list configured (registries.allowed in the ScanConfiguration)');
    return judgeImages(ID, subject.pod, ({ reference }) => (allowList.match(reference) ? undefined : `(${reference.name}) is not from an allowed registry`), 'from allowed registries');
  },
};
