// Kyverno's `match` / `exclude` blocks (kyverno.io/v1 MatchResources): `any` (one filter suffices), `all` (every
// filter must hold) or the legacy single `resources` block; each filter combines a ResourceDescription (kinds,
// names, namespaces, annotations, selectors, operations) with user conditions (subjects, roles, clusterRoles).
// Roles and cluster roles need RBAC lookups: offline they come from the request (a test's user info) or are empty.
import { asRecord } from '../../kube/pod-template.js';
import { namespaceLabelsOf, type AdmissionAttributes } from '../../kube/matching/attributes.js';
import { labelsOf, matchesLabelSelector, parseLabelSelector, type LabelSelector } from '../../kube/matching/label-selector.js';
import { compileWildcard, type WildcardMatcher } from '../../kube/matching/wildcard.js';
import { FieldErrors } from '../vap/program-spec.js';

export interface KindPattern {
  group?: string;
  version?: string;
  kind: WildcardMatcher;
  /** The kind as written, without group, version or subresource (`Deployment`, `*`). */
  name: string;
  /** `Pod/status`, `Pod/*`: which subresource; undefined means the main resource only. */
  subresource?: string;
  /** As written, for autogen decisions and messages. */
  text: string;
}

export interface ResourceDescription {
  kinds: KindPattern[];
  names: WildcardMatcher[];
  namespaces: WildcardMatcher[];
  annotations: [string, WildcardMatcher][];
  selector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  operations: string[];
  /** Whether names, a selector or annotations are set (these disable autogen). */
  narrowsObjects: boolean;
}

export interface Subject {
  kind: string;
  name: WildcardMatcher;
  namespace?: string;
}

export interface ResourceFilter {
  resources?: ResourceDescription;
  subjects: Subject[];
  roles: string[];
  clusterRoles: string[];
}

export interface MatchBlock {
  any: ResourceFilter[];
  all: ResourceFilter[];
}

/** The requester's roles as Kyverno computes them from RBAC; supplied by tests or the admission layer. */
export interface RequesterRoles {
  roles: readonly string[];
  clusterRoles: readonly string[];
}

export function parseMatchBlock(value: unknown, path: string, errors: FieldErrors): MatchBlock {
  const raw = asRecord(value);
  if (!raw) {
    if (value !== undefined && value !== null) errors.add(path, 'must be a mapping');
    return { any: [], all: [] };
  }
  const list = (key: 'any' | 'all'): ResourceFilter[] => {
    const v = raw[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) return void errors.add(`${path}.${key}`, 'must be a list'), [];
    return v.map((item: unknown, i: number) => parseFilter(item, `${path}.${key}[${i}]`, errors));
  };
  const block: MatchBlock = { any: list('any'), all: list('all') };
  if (raw.resources !== undefined || raw.subjects !== undefined || raw.roles !== undefined || raw.clusterRoles !== undefined) {
    block.all.push(parseFilter(raw, path, errors));
  }
  return block;
}

function parseFilter(value: unknown, path: string, errors: FieldErrors): ResourceFilter {
  const raw = asRecord(value);
  if (!raw) return void errors.add(path, 'must be a mapping'), { subjects: [], roles: [], clusterRoles: [] };
  const filter: ResourceFilter = {
    subjects: parseSubjects(raw.subjects, `${path}.subjects`, errors),
    roles: strings(raw.roles, `${path}.roles`, errors),
    clusterRoles: strings(raw.clusterRoles, `${path}.clusterRoles`, errors),
  };
  if (raw.resources !== undefined && raw.resources !== null) filter.resources = parseDescription(raw.resources, `${path}.resources`, errors);
  return filter;
}

function parseDescription(value: unknown, path: string, errors: FieldErrors): ResourceDescription {
  const raw = asRecord(value) ?? (errors.add(path, 'must be a mapping'), {});
  const names = strings(raw.names, `${path}.names`, errors);
  if (typeof raw.name === 'string' && raw.name !== '') names.push(raw.name);
  const annotations = asRecord(raw.annotations) ?? {};
  const selector = parseLabelSelector(raw.selector, `${path}.selector`);
  const namespaceSelector = parseLabelSelector(raw.namespaceSelector, `${path}.namespaceSelector`);
  for (const e of [...selector.errors, ...namespaceSelector.errors]) errors.list.push(e);
  return {
    kinds: strings(raw.kinds, `${path}.kinds`, errors).map(parseKind),
    names: names.map(compileWildcard),
    namespaces: strings(raw.namespaces, `${path}.namespaces`, errors).map(compileWildcard),
    annotations: Object.entries(annotations).map(([k, v]) => [k, compileWildcard(String(v))]),
    selector: selector.selector,
    namespaceSelector: namespaceSelector.selector,
    operations: strings(raw.operations, `${path}.operations`, errors),
    narrowsObjects: names.length > 0 || raw.selector !== undefined && raw.selector !== null || raw.annotations !== undefined && raw.annotations !== null,
  };
}

/** `Pod`, `v1/Pod`, `apps/v1/Deployment`, `Pod/status`, `apps/v1/Deployment/scale`, `*`. */
export function parseKind(text: string): KindPattern {
  const parts = text.split('/');
  // A trailing lower-case or `*` segment after a capitalised kind is a subresource.
  let subresource: string | undefined;
  if (parts.length >= 2 && /^[A-Z*]/.test(parts[parts.length - 2]!) && !/^[A-Z]/.test(parts[parts.length - 1]!)) subresource = parts.pop();
  const kind = parts.pop()!;
  const pattern: KindPattern = { kind: compileWildcard(kind), name: kind, text };
  if (parts.length === 1) pattern.version = parts[0];
  else if (parts.length >= 2) {
    pattern.group = parts.slice(0, -1).join('/');
    pattern.version = parts[parts.length - 1];
  }
  if (subresource !== undefined) pattern.subresource = subresource;
  return pattern;
}

function parseSubjects(value: unknown, path: string, errors: FieldErrors): Subject[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return void errors.add(path, 'must be a list'), [];
  return value.flatMap((item: unknown, i: number) => {
    const raw = asRecord(item);
    if (!raw || typeof raw.kind !== 'string' || typeof raw.name !== 'string') return void errors.add(`${path}[${i}]`, 'must have kind and name'), [];
    const subject: Subject = { kind: raw.kind, name: compileWildcard(raw.name) };
    if (typeof raw.namespace === 'string') subject.namespace = raw.namespace;
    return [subject];
  });
}

function strings(value: unknown, path: string, errors: FieldErrors): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) return void errors.add(path, 'must be a list of strings'), [];
  return [...value] as string[];
}

export function isEmptyBlock(block: MatchBlock): boolean {
  return block.any.length === 0 && block.all.length === 0;
}

/** `match`: any of `any`, and all of `all`. An empty block matches nothing. */
export function matchesBlock(block: MatchBlock, attrs: AdmissionAttributes, roles: RequesterRoles): boolean {
  if (isEmptyBlock(block)) return false;
  if (block.any.length > 0 && !block.any.some((f) => matchesFilter(f, attrs, roles))) return false;
  return block.all.every((f) => matchesFilter(f, attrs, roles));
}

/** `exclude`: excluded when any `any` filter matches, or when every `all` filter does. */
export function excludedBy(block: MatchBlock, attrs: AdmissionAttributes, roles: RequesterRoles): boolean {
  if (block.any.some((f) => matchesFilter(f, attrs, roles))) return true;
  return block.all.length > 0 && block.all.every((f) => matchesFilter(f, attrs, roles));
}

function matchesFilter(filter: ResourceFilter, attrs: AdmissionAttributes, roles: RequesterRoles): boolean {
  if (filter.resources && !matchesDescription(filter.resources, attrs)) return false;
  if (filter.roles.length > 0 && !filter.roles.some((r) => roles.roles.includes(r))) return false;
  if (filter.clusterRoles.length > 0 && !filter.clusterRoles.some((r) => roles.clusterRoles.includes(r))) return false;
  if (filter.subjects.length > 0 && !filter.subjects.some((s) => matchesSubject(s, attrs))) return false;
  return true;
}

export function matchesDescription(d: ResourceDescription, attrs: AdmissionAttributes): boolean {
  if (d.kinds.length > 0 && !d.kinds.some((k) => matchesKind(k, attrs))) return false;
  if (d.names.length > 0 && !d.names.some((n) => n(attrs.name))) return false;
  if (d.namespaces.length > 0 && !d.namespaces.some((n) => n(attrs.namespace))) return false;
  if (d.operations.length > 0 && !d.operations.includes(attrs.operation)) return false;
  const subject = attrs.object ?? attrs.oldObject;
  if (d.annotations.length > 0) {
    const have = asRecord(subject?.metadata?.annotations) ?? {};
    if (!d.annotations.every(([key, value]) => typeof have[key] === 'string' && value(have[key] as string))) return false;
  }
  if (d.selector && !matchesLabelSelector(d.selector, labelsOf(subject))) return false;
  if (d.namespaceSelector && attrs.namespace !== '' && !matchesLabelSelector(d.namespaceSelector, namespaceLabelsOf(attrs))) return false;
  return true;
}

function matchesKind(pattern: KindPattern, attrs: AdmissionAttributes): boolean {
  const { group, version, kind } = attrs.resource;
  if (!pattern.kind(kind)) return false;
  if (pattern.group !== undefined && pattern.group !== '*' && pattern.group !== group) return false;
  if (pattern.version !== undefined && pattern.version !== '*' && pattern.version !== version) return false;
  if (pattern.subresource === undefined) return attrs.subResource === '';
  return pattern.subresource === '*' || pattern.subresource === attrs.subResource;
}

function matchesSubject(subject: Subject, attrs: AdmissionAttributes): boolean {
  const user = attrs.userInfo;
  switch (subject.kind) {
    case 'User':
      return subject.name(user.username);
    case 'Group':
      return (user.groups ?? []).some((g) => subject.name(g));
    case 'ServiceAccount': {
      const prefix = `system:serviceaccount:${subject.namespace ?? ''}:`;
      return user.username.startsWith(prefix) && subject.name(user.username.slice(prefix.length));
    }
    default:
      return false;
  }
}

