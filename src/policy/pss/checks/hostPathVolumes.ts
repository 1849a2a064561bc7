// hostPath volumes mount the node's filesystem into the pod: a direct path to escaping the container.
import { ALLOWED, forbidden, type PssCheck } from '../check.js';
import { namedList } from '../format.js';
import { asRecord } from '../../../kube/pod-template.js';
import { isAbsent, text, type PodView } from '../pod.js';

function hostPathVolumes_1_0(pod: PodView) {
  const volumes = pod.spec.volumes;
  if (!Array.isArray(volumes)) return ALLOWED;
  let bad: string[] | undefined;
  for (const entry of volumes) {
    const volume = asRecord(entry);
    if (volume && !isAbsent(volume.hostPath)) (bad ??= []).push(text(volume.name));
  }
  return bad ? forbidden('hostPath volumes', namedList('volume', 'volumes', bad)) : ALLOWED;
}

export const hostPathVolumes: PssCheck = {
  id: 'hostPathVolumes',
  level: 'baseline',
  severity: 'critical',
  description: "hostPath volumes expose the node's filesystem to the pod, a common route to taking over the node.",
  remediation: 'Replace hostPath volumes with emptyDir, configMap, secret, projected or persistentVolumeClaim volumes.',
  versions: [{ minVersion: 0, check: hostPathVolumes_1_0 }],
};
