// Pod Security Standards-safe defaults, as JSON Patch `add` operations for a Pod or any pod-template owner.
// A default only fills a field the author left unset — an explicit choice (even an insecure one) is never
// overwritten, so the policies still judge what the author asked for. Each operation is computed from the
// object as it is, so applying the patch and mutating again yields no operations (idempotent).
import type { KubeObject } from '../../kube/object.js';
import { asRecord, podTemplateOf, type Container, type PodSpec } from '../../kube/pod-template.js';
import { pointer, type AddOperation } from './json-patch.js';

export type PssDefault = 'automountServiceAccountToken' | 'seccompProfile' | 'allowPrivilegeEscalation' | 'dropAllCapabilities' | 'runAsNonRoot';

export const PSS_DEFAULTS: readonly PssDefault[] = ['automountServiceAccountToken', 'seccompProfile', 'allowPrivilegeEscalation', 'dropAllCapabilities', 'runAsNonRoot'];

export interface Mutation {
  operations: AddOperation[];
  /** The defaults that produced at least one operation, for audit annotations. */
  applied: PssDefault[];
}

type Path = (string | number)[];

/** Linux-only securityContext fields are invalid on Windows pods (the API server rejects them). */
function isWindows(spec: PodSpec): boolean {
  return spec.os?.name === 'windows';
}

/**
 * Adds `values` under `path`, creating the object at `path` (with all of them at once) when it is absent or null,
 * and adding only the missing keys otherwise.
 */
function fillObject(ops: AddOperation[], path: Path, current: unknown, values: Record<string, unknown>): void {
  const keys = Object.keys(values);
  if (keys.length === 0) return;
  const existing = asRecord(current);
  if (!existing) {
    ops.push({ op: 'add', path: pointer(path), value: values });
    return;
  }
  for (const key of keys) ops.push({ op: 'add', path: pointer([...path, key]), value: values[key] });
}

function positiveInteger(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

/** Privileged containers and CAP_SYS_ADMIN imply privilege escalation; the API server rejects `false` with them. */
function escalationImplied(securityContext: Record<string, unknown> | undefined): boolean {
  if (securityContext?.privileged === true) return true;
  const add = asRecord(securityContext?.capabilities)?.add;
  return Array.isArray(add) && add.some((cap) => cap === 'SYS_ADMIN' || cap === 'CAP_SYS_ADMIN');
}

function containerOperations(ops: AddOperation[], applied: Set<PssDefault>, wanted: ReadonlySet<PssDefault>, path: Path, container: Container, podContext: Record<string, unknown> | undefined): void {
  const context = asRecord(container.securityContext);
  const missing: Record<string, unknown> = {};
  if (wanted.has('allowPrivilegeEscalation') && context?.allowPrivilegeEscalation === undefined && !escalationImplied(context)) {
    missing.allowPrivilegeEscalation = false;
    applied.add('allowPrivilegeEscalation');
  }
  if (wanted.has('runAsNonRoot') && context?.runAsNonRoot === undefined && podContext?.runAsNonRoot === undefined
    && positiveInteger(context?.runAsUser ?? podContext?.runAsUser)) {
    // Only where the container already runs as a non-zero UID, so the kubelet's check cannot fail.
    missing.runAsNonRoot = true;
    applied.add('runAsNonRoot');
  }
  if (wanted.has('dropAllCapabilities')) {
    const capabilities = asRecord(context?.capabilities);
    const drop = capabilities?.drop;
    if (!Array.isArray(drop)) {
      if (capabilities) ops.push({ op: 'add', path: pointer([...path, 'securityContext', 'capabilities', 'drop']), value: ['ALL'] });
      else missing.capabilities = { drop: ['ALL'] };
      applied.add('dropAllCapabilities');
    } else if (!drop.includes('ALL')) {
      ops.push({ op: 'add', path: pointer([...path, 'securityContext', 'capabilities', 'drop', '-']), value: 'ALL' });
      applied.add('dropAllCapabilities');
    }
  }
  fillObject(ops, [...path, 'securityContext'], container.securityContext, missing);
}

/** The operations that bring `object`'s pod spec to the wanted defaults; none for kinds without a pod template. */
export function pssDefaults(object: KubeObject, wanted: ReadonlySet<PssDefault>): Mutation {
  const template = podTemplateOf(object);
  const ops: AddOperation[] = [];
  const applied = new Set<PssDefault>();
  if (!template) return { operations: ops, applied: [] };
  const { spec } = template;
  const specPath: Path = template.specPath.split('.');
  if (wanted.has('automountServiceAccountToken') && spec.automountServiceAccountToken === undefined) {
    ops.push({ op: 'add', path: pointer([...specPath, 'automountServiceAccountToken']), value: false });
    applied.add('automountServiceAccountToken');
  }
  if (!isWindows(spec)) {
    const podContext = asRecord(spec.securityContext);
    if (wanted.has('seccompProfile') && podContext?.seccompProfile === undefined) {
      fillObject(ops, [...specPath, 'securityContext'], spec.securityContext, { seccompProfile: { type: 'RuntimeDefault' } });
      applied.add('seccompProfile');
    }
    // Ephemeral containers are added through their own subresource and cannot be changed by a patch of the pod.
    for (const field of ['initContainers', 'containers'] as const) {
      const list: unknown = spec[field];
      if (!Array.isArray(list)) continue;
      list.forEach((container: unknown, index) => {
        if (asRecord(container)) containerOperations(ops, applied, wanted, [...specPath, field, index], container as Container, podContext);
      });
    }
  }
  return { operations: ops, applied: PSS_DEFAULTS.filter((d) => applied.has(d)) };
}
