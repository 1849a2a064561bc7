// Restricted pods may only use volume types that carry no host or network storage access: configMap, csi,
// downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret. It replaces hostPathVolumes.
import { ALLOWED, forbidden, type PssCheck } from '../check.js';
import { joinQuote, namedList, pluralize, sortedSet } from '../format.js';
import { asRecord } from '../../../kube/pod-template.js';
import { isAbsent, text, type Fields, type PodView } from '../pod.js';
import { hostPathVolumes } from './hostPathVolumes.js';

const ALLOWED_SOURCES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim',
  'projected', 'secret'] as const;

/** In PSA's order: the first one a volume sets names its type in messages. */
const RESTRICTED_SOURCES = ['hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'nfs', 'iscsi', 'glusterfs',
  'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'fc', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk',
  'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'storageos'] as const;

function hasAllowedSource(volume: Fields): boolean {
  for (const source of ALLOWED_SOURCES) if (!isAbsent(volume[source])) return true;
  return false;
}

/**
 * The volume's restricted type, if it has one and no allowed source. A volume naming no source at all is an emptyDir:
 * the API server defaults it so before admission, and PSA's own fixtures rely on that.
 */
function restrictedTypeOf(volume: Fields): string | undefined {
  if (hasAllowedSource(volume)) return undefined;
  for (const source of RESTRICTED_SOURCES) if (!isAbsent(volume[source])) return source;
  return undefined;
}

function restrictedVolumes_1_0(pod: PodView) {
  const volumes = pod.spec.volumes;
  if (!Array.isArray(volumes)) return ALLOWED;
  let bad: string[] | undefined;
  let types: string[] | undefined;
  for (const entry of volumes) {
    const volume = asRecord(entry);
    const type = volume && restrictedTypeOf(volume);
    if (!volume || !type) continue;
    (bad ??= []).push(text(volume.name));
    (types ??= []).push(type);
  }
  if (!bad || !types) return ALLOWED;
  const unique = sortedSet(types);
  return forbidden('restricted volume types', `${namedList('volume', 'volumes', bad)} ${pluralize('uses', 'use', bad.length)} ` +
    `${pluralize('restricted volume type', 'restricted volume types', unique.length)} ${joinQuote(unique)}`);
}

export const restrictedVolumes: PssCheck = {
  id: 'restrictedVolumes',
  level: 'restricted',
  severity: 'high',
  description: 'Restricted pods may only use volume types that give no direct access to host or network storage.',
  remediation: 'Use only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret volumes.',
  versions: [{ minVersion: 0, check: restrictedVolumes_1_0, overrides: [hostPathVolumes.id] }],
};
