// The shapes every engine shares: a Kubernetes object as parsed, where it came from, and how results name it.

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** Where a document was read from. `template` is Helm's `# Source:` path when the file is `helm template` output. */
export interface SourceLocation {
  file: string;
  line: number;
  template?: string;
}

/** How results and reports name an object. `namespace` is absent for cluster-scoped or unnamespaced objects. */
export interface ResourceRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export function isKubeObject(value: unknown): value is KubeObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return typeof v.apiVersion === 'string' && v.apiVersion !== '' && typeof v.kind === 'string' && v.kind !== '';
}

export function refOf(object: KubeObject): ResourceRef {
  const meta = object.metadata ?? {};
  const ref: ResourceRef = {
    apiVersion: object.apiVersion,
    kind: object.kind,
    name: meta.name ?? (meta.generateName ? `${meta.generateName}*` : ''),
  };
  if (meta.namespace) ref.namespace = meta.namespace;
  return ref;
}

/** `apps/v1` → `apps`; `v1` → `` (the core group). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

export function formatRef(ref: ResourceRef): string {
  return `${ref.kind}/${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}
