// The containers of a pod template with the field path and the words messages use to name them.
import { asRecord, type Container, type PodTemplate } from '../../kube/pod-template.js';

export type ContainerField = 'initContainers' | 'containers' | 'ephemeralContainers';

export const ALL_CONTAINER_FIELDS: readonly ContainerField[] = ['initContainers', 'containers', 'ephemeralContainers'];
/** Ephemeral containers cannot declare resources, so resource rules look at these only. */
export const RESOURCE_CONTAINER_FIELDS: readonly ContainerField[] = ['initContainers', 'containers'];

export interface ContainerAt {
  container: Container;
  field: ContainerField;
  /** e.g. `spec.template.spec.containers[0]` */
  path: string;
  /** e.g. `container "app" (spec.template.spec.containers[0])` */
  label: string;
}

// Most rules walk the same containers of the same pod; computed once per pod template.
const memo = new WeakMap<PodTemplate, readonly ContainerAt[]>();

/** The containers in `fields`, in the order init, regular, ephemeral. */
export function containersAt(pod: PodTemplate, fields: readonly ContainerField[] = ALL_CONTAINER_FIELDS): readonly ContainerAt[] {
  let all = memo.get(pod);
  if (all === undefined) {
    all = collect(pod);
    memo.set(pod, all);
  }
  return fields === ALL_CONTAINER_FIELDS ? all : all.filter((at) => fields.includes(at.field));
}

function collect(pod: PodTemplate): ContainerAt[] {
  const out: ContainerAt[] = [];
  for (const field of ALL_CONTAINER_FIELDS) {
    const list = pod.spec[field];
    if (!Array.isArray(list)) continue;
    list.forEach((item: unknown, index: number) => {
      const container = asRecord(item) as Container | undefined;
      if (!container) return;
      const path = `${pod.specPath}.${field}[${index}]`;
      const name = typeof container.name === 'string' && container.name !== '' ? JSON.stringify(container.name) : '(unnamed)';
      out.push({ container, field, path, label: `container ${name} (${path})` });
    });
  }
  return out;
}

export function countLabel(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
