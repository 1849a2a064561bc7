// Seed 001: a compromised container holding the service account token can act as that account against the API.
// The token reaches containers two ways: automounting (on unless the pod sets automountServiceAccountToken: false;
// the ServiceAccount's own setting is not visible offline) and a projected serviceAccountToken volume whose
// audience is the API server (no audience, or the in-cluster API server names).
import { asRecord } from '../../../kube/pod-template.js';
import { containersAt } from '../containers.js';
import { verdict, type Finding } from '../findings.js';
import type { BuiltinRule } from '../rule.js';

const ID = 'automount-service-account-token';
const API_AUDIENCES = new Set(['', 'https://kubernetes.default.svc', 'https://kubernetes.default.svc.cluster.local']);

export const automountServiceAccountToken: BuiltinRule = {
  id: ID,
  severity: 'medium',
  category: 'Identity',
  seed: '001',
  description: 'Containers that do not need the Kubernetes API should not hold a token for it: whoever owns the container can use it.',
  remediation: 'Set automountServiceAccountToken: false in the pod spec; mount a projected token only where a container calls the API, with a dedicated service account.',
  appliesTo: ['workload'],
  check(subject) {
    if (subject.type !== 'workload') return [];
    const { spec, specPath } = subject.pod;
    const findings: Finding[] = [];
    const field = `${specPath}.automountServiceAccountToken`;
    if (spec.automountServiceAccountToken === undefined || spec.automountServiceAccountToken === null) {
      findings.push({ path: field, message: `${field} is not set, so every container gets the service account token (unless its ServiceAccount opts out)` });
    } else if (spec.automountServiceAccountToken !== false) {
      findings.push({ path: field, message: `${field} is true, so every container gets the service account token` });
    }
    const tokenVolumes = apiTokenVolumes(spec.volumes);
    if (tokenVolumes.size > 0) {
      for (const at of containersAt(subject.pod)) {
        const mounts = at.container.volumeMounts;
        if (!Array.isArray(mounts)) continue;
        mounts.forEach((mount: unknown, index: number) => {
          const name = asRecord(mount)?.name;
          if (typeof name === 'string' && tokenVolumes.has(name)) {
            findings.push({
              path: `${at.path}.volumeMounts[${index}]`,
              message: `${at.label} mounts volume "${name}" (${specPath}.volumes[${tokenVolumes.get(name)}]), a projected service account token for the API server`,
            });
          }
        });
      }
    }
    return verdict(ID, findings, 'the service account token is not mounted');
  },
};

/** Names (and indexes) of projected volumes carrying a token the API server accepts. */
function apiTokenVolumes(volumes: unknown): Map<string, number> {
  const out = new Map<string, number>();
  if (!Array.isArray(volumes)) return out;
  volumes.forEach((item: unknown, index: number) => {
    const volume = asRecord(item);
    const sources = asRecord(volume?.projected)?.sources;
    if (typeof volume?.name !== 'string' || !Array.isArray(sources)) return;
    const forApi = sources.some((source: unknown) => {
      const token = asRecord(asRecord(source)?.serviceAccountToken);
      if (!token) return false;
      const audience = token.audience ?? '';
      return typeof audience === 'string' && API_AUDIENCES.has(audience);
    });
    if (forApi) out.set(volume.name, index);
  });
  return out;
}
