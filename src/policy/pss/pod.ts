// The pod as the checks see it: metadata, spec and every container, read defensively from parsed YAML/JSON.
// Values of the wrong type never read as the safe setting, so a malformed security field fails closed.
import { asRecord } from '../../kube/pod-template.js';

export type Fields = Record<string, unknown>;

export interface PodView {
  readonly annotations: Fields | undefined;
  readonly spec: Fields;
  /** `spec.securityContext`, when it is an object. */
  readonly securityContext: Fields | undefined;
  /** initContainers, containers, then ephemeralContainers: the order PSA visits them in. */
  readonly containers: readonly Fields[];
}

const CONTAINER_FIELDS = ['initContainers', 'containers', 'ephemeralContainers'] as const;
const NO_CONTAINERS: readonly Fields[] = [];

export function podView(metadata: unknown, spec: unknown): PodView {
  const podSpec = asRecord(spec) ?? {};
  let containers: Fields[] | undefined;
  for (const field of CONTAINER_FIELDS) {
    const list = podSpec[field];
    if (!Array.isArray(list)) continue;
    for (const entry of list) {
      const container = asRecord(entry);
      if (container) (containers ??= []).push(container);
    }
  }
  return {
    annotations: asRecord(asRecord(metadata)?.annotations),
    spec: podSpec,
    securityContext: asRecord(podSpec.securityContext),
    containers: containers ?? NO_CONTAINERS,
  };
}

export function securityContextOf(container: Fields): Fields | undefined {
  return asRecord(container.securityContext);
}

/** The container's name as PSA prints it; a missing name prints as empty, like Go's zero value. */
export function containerName(container: Fields): string {
  return text(container.name);
}

/** Present and not `false`: a flag that is forbidden when true also fails when it holds a non-boolean value. */
export function isSet(value: unknown): boolean {
  return value !== undefined && value !== null && value !== false;
}

export function isAbsent(value: unknown): value is undefined | null {
  return value === undefined || value === null;
}

/** Printable text of a scalar field, for messages. A structure where a scalar belongs prints as its kind only. */
export function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (isAbsent(value)) return '';
  if (typeof value === 'object') return Array.isArray(value) ? '<list>' : '<object>';
  return String(value);
}

/** `spec.os.name: windows` — PSA exempts such pods from Linux-only restricted checks from policy v1.25. */
export function isWindowsPod(pod: PodView): boolean {
  return asRecord(pod.spec.os)?.name === 'windows';
}

/** `spec.hostUsers: false` runs the pod in a user namespace, which relaxes some checks from policy v1.35 (KEP-127). */
export function inUserNamespace(pod: PodView): boolean {
  return pod.spec.hostUsers === false;
}
