// Seed 001: Secrets belong in mounted files. Environment variables leak: they are inherited by every child
// process, printed by crash handlers and debug endpoints, and visible in the pod spec of anyone who can read it.
import { asRecord } from '../../../kube/pod-template.js';
import { containersAt } from '../containers.js';
import { verdict, type Finding } from '../findings.js';
import type { BuiltinRule } from '../rule.js';

const ID = 'secret-in-env';

export const secretInEnv: BuiltinRule = {
  id: ID,
  severity: 'medium',
  category: 'Secrets',
  seed: '001',
  description: 'Secrets exposed as environment variables leak into child processes, logs and crash dumps; mounted files do not.',
  remediation: 'Mount the Secret as a volume (volumes[].secret + volumeMounts) and have the application read the file.',
  appliesTo: ['workload'],
  check(subject) {
    if (subject.type !== 'workload') return [];
    const findings: Finding[] = [];
    for (const at of containersAt(subject.pod)) {
      const env = at.container.env;
      if (Array.isArray(env)) {
        env.forEach((item: unknown, index: number) => {
          const variable = asRecord(item);
          const ref = asRecord(asRecord(variable?.valueFrom)?.secretKeyRef);
          if (!ref) return;
          findings.push({
            path: `${at.path}.env[${index}].valueFrom.secretKeyRef`,
            message: `${at.label} sets environment variable ${quote(variable?.name)} from key ${quote(ref.key)} of Secret ${quote(ref.name)}`,
          });
        });
      }
      const envFrom = at.container.envFrom;
      if (Array.isArray(envFrom)) {
        envFrom.forEach((item: unknown, index: number) => {
          const ref = asRecord(asRecord(item)?.secretRef);
          if (!ref) return;
          findings.push({ path: `${at.path}.envFrom[${index}].secretRef`, message: `${at.label} imports every key of Secret ${quote(ref.name)} as environment variables` });
        });
      }
    }
    return verdict(ID, findings, 'no Secret is exposed as an environment variable');
  },
};

function quote(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : '(unnamed)';
}
