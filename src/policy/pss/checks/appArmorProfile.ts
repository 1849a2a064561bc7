// AppArmor confines what a container may do; the baseline forbids opting out of it, both through the
// securityContext.appArmorProfile fields and through the older per-container annotations.
import { ALLOWED, forbidden, type PssCheck } from '../check.js';
import { goQuote, joinQuote, pluralize, setters, sortedList, sortedSet } from '../format.js';
import { asRecord } from '../../../kube/pod-template.js';
import { containerName, securityContextOf, text, type Fields, type PodView } from '../pod.js';

const ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

function allowedAnnotationValue(value: unknown): boolean {
  return value === '' || value === 'runtime/default' || (typeof value === 'string' && value.startsWith('localhost/'));
}

/** The profile type when the profile is set to something other than RuntimeDefault or Localhost. */
function badProfileType(securityContext: Fields | undefined): string | undefined {
  const profile = asRecord(securityContext?.appArmorProfile);
  if (!profile || profile.type === 'RuntimeDefault' || profile.type === 'Localhost') return undefined;
  return text(profile.type);
}

function hasForbiddenAnnotation(annotations: Fields | undefined): boolean {
  if (!annotations) return false;
  for (const key in annotations) {
    if (key.startsWith(ANNOTATION_PREFIX) && !allowedAnnotationValue(annotations[key])) return true;
  }
  return false;
}

function appArmorProfile_1_0(pod: PodView) {
  const podType = badProfileType(pod.securityContext);
  let badContainers: string[] | undefined;
  let badTypes: string[] | undefined;
  for (const container of pod.containers) {
    const type = badProfileType(securityContextOf(container));
    if (type === undefined) continue;
    (badContainers ??= []).push(containerName(container));
    (badTypes ??= []).push(type);
  }
  if (podType === undefined && !badContainers && !hasForbiddenAnnotation(pod.annotations)) return ALLOWED;

  const values = sortedSet(podType === undefined ? badTypes ?? [] : [podType, ...(badTypes ?? [])]);
  const annotations: string[] = [];
  for (const [key, value] of Object.entries(pod.annotations ?? {})) {
    if (key.startsWith(ANNOTATION_PREFIX) && !allowedAnnotationValue(value)) annotations.push(`${key}=${goQuote(text(value))}`);
  }
  const others = annotations.length > 0 ? [pluralize('annotation', 'annotations', annotations.length)] : [];
  values.push(...sortedList(annotations));
  return forbidden(pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', values.length),
    `${setters(podType !== undefined, badContainers ?? [], ...others)} must not set AppArmor profile type to ${joinQuote(values)}`);
}

export const appArmorProfile: PssCheck = {
  id: 'appArmorProfile',
  level: 'baseline',
  severity: 'high',
  description: 'Disabling or overriding the default AppArmor profile removes a layer of confinement from the container.',
  remediation: 'Use appArmorProfile.type RuntimeDefault or Localhost (or annotation values runtime/default or localhost/*), or leave it unset.',
  versions: [{ minVersion: 0, check: appArmorProfile_1_0 }],
};
