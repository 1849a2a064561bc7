// Seed 001 ("assume you'll be owned"): a read-only root filesystem stops an intruder from dropping tools or
// modifying the binaries of a running container. Windows containers cannot set the field, so Windows pods skip.
import { containersAt, countLabel } from '../containers.js';
import { skipped, verdict, type Finding } from '../findings.js';
import { asRecord } from '../../../kube/pod-template.js';
import type { BuiltinRule } from '../rule.js';

const ID = 'writable-root-filesystem';

export const writableRootFilesystem: BuiltinRule = {
  id: ID,
  severity: 'medium',
  category: 'Hardening',
  seed: '001',
  description: 'A writable root filesystem lets whoever compromises the container install tools and alter its binaries.',
  remediation: 'Set securityContext.readOnlyRootFilesystem: true on every container; mount an emptyDir where the application must write.',
  appliesTo: ['workload'],
  check(subject) {
    if (subject.type !== 'workload') return [];
    const { spec, specPath } = subject.pod;
    if (spec.os?.name === 'windows') return skipped(ID, `${specPath}.os.name is windows; Windows containers cannot set readOnlyRootFilesystem`);
    const findings: Finding[] = [];
    const containers = containersAt(subject.pod);
    for (const at of containers) {
      const value = asRecord(at.container.securityContext)?.readOnlyRootFilesystem;
      if (value !== true) {
        const path = `${at.path}.securityContext.readOnlyRootFilesystem`;
        const problem = value === false ? 'sets securityContext.readOnlyRootFilesystem: false' : 'does not set securityContext.readOnlyRootFilesystem: true';
        findings.push({ path, message: `${at.label} ${problem}` });
      }
    }
    return verdict(ID, findings, `${countLabel(containers.length, 'container')} with a read-only root filesystem`);
  },
};
