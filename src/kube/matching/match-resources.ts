// admissionregistration.k8s.io MatchResources — the `matchConstraints` of a ValidatingAdmissionPolicy (and of
// Kyverno's ValidatingPolicy) and the `matchResources` of a binding: which requests a policy looks at.
// Parsed once at load (errors name the field path); matching is a pure function of the admission attributes.
import { matchesLabelSelector, labelsOf, parseLabelSelector, type LabelSelector } from './label-selector.js';
import { namespaceLabelsOf, type AdmissionAttributes } from './attributes.js';
import { servesSameObjects } from './resources.js';

export interface ResourceRule {
  apiGroups: string[];
  apiVersions: string[];
  /** `pods`, `pods/status`, `pods/*`, `*\/scale`, `*`, `*\/*`. */
  resources: string[];
  resourceNames: string[];
  operations: string[];
  scope: 'Cluster' | 'Namespaced' | '*';
}

export interface MatchResources {
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
  resourceRules: ResourceRule[];
  excludeResourceRules: ResourceRule[];
  matchPolicy: 'Exact' | 'Equivalent';
}

const OPERATIONS = new Set(['CREATE', 'UPDATE', 'DELETE', 'CONNECT', '*']);
const SCOPES = new Set(['Cluster', 'Namespaced', '*']);

export function parseMatchResources(value: unknown, path: string): { match?: MatchResources; errors: string[] } {
  if (value === undefined || value === null) return { match: { resourceRules: [], excludeResourceRules: [], matchPolicy: 'Equivalent' }, errors: [] };
  if (typeof value !== 'object' || Array.isArray(value)) return { errors: [`${path}: must be a mapping`] };
  const raw = value as Record<string, unknown>;
  const errors: string[] = [];
  const ns = parseLabelSelector(raw.namespaceSelector, `${path}.namespaceSelector`);
  const obj = parseLabelSelector(raw.objectSelector, `${path}.objectSelector`);
  errors.push(...ns.errors, ...obj.errors);
  const resourceRules = parseRules(raw.resourceRules, `${path}.resourceRules`, errors);
  const excludeResourceRules = parseRules(raw.excludeResourceRules, `${path}.excludeResourceRules`, errors);
  const matchPolicy = raw.matchPolicy ?? 'Equivalent';
  if (matchPolicy !== 'Exact' && matchPolicy !== 'Equivalent') errors.push(`${path}.matchPolicy: must be Exact or Equivalent`);
  if (errors.length > 0) return { errors };
  return {
    match: { namespaceSelector: ns.selector, objectSelector: obj.selector, resourceRules, excludeResourceRules, matchPolicy: matchPolicy as MatchResources['matchPolicy'] },
    errors,
  };
}

function parseRules(value: unknown, path: string, errors: string[]): ResourceRule[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    errors.push(`${path}: must be a list`);
    return [];
  }
  const rules: ResourceRule[] = [];
  value.forEach((item: unknown, i: number) => {
    const at = `${path}[${i}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return void errors.push(`${at}: must be a mapping`);
    const raw = item as Record<string, unknown>;
    const list = (key: string): string[] => {
      const v = raw[key];
      if (v === undefined || v === null) return [];
      if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) {
        errors.push(`${at}.${key}: must be a list of strings`);
        return [];
      }
      return v as string[];
    };
    const operations = list('operations');
    for (const op of operations) if (!OPERATIONS.has(op)) errors.push(`${at}.operations: unknown operation "${op}"`);
    const scope = raw.scope ?? '*';
    if (typeof scope !== 'string' || !SCOPES.has(scope)) errors.push(`${at}.scope: must be Cluster, Namespaced or *`);
    rules.push({
      apiGroups: list('apiGroups'),
      apiVersions: list('apiVersions'),
      resources: list('resources'),
      resourceNames: list('resourceNames'),
      operations,
      scope: scope as ResourceRule['scope'],
    });
  });
  return rules;
}

/** Whether the request is in scope: selectors match, some resourceRule matches and no excludeResourceRule does. */
export function matchesResources(match: MatchResources, attrs: AdmissionAttributes): boolean {
  // Loops rather than callbacks: this runs for every policy and every object.
  if (!matchesNamespaceSelector(match.namespaceSelector, attrs)) return false;
  if (!matchesObjectSelector(match.objectSelector, attrs)) return false;
  for (const rule of match.excludeResourceRules) if (matchesRule(rule, attrs, 'Exact')) return false;
  if (match.resourceRules.length === 0) return true;
  for (const rule of match.resourceRules) if (matchesRule(rule, attrs, match.matchPolicy)) return true;
  return false;
}

/** Cluster-scoped objects other than Namespaces are never filtered out by a namespaceSelector (as the API server does). */
function matchesNamespaceSelector(selector: LabelSelector | undefined, attrs: AdmissionAttributes): boolean {
  if (!selector) return true;
  const isNamespace = attrs.resource.group === '' && attrs.resource.resource === 'namespaces';
  if (attrs.namespace === '' && !isNamespace) return true;
  return matchesLabelSelector(selector, namespaceLabelsOf(attrs));
}

/** The object selector matches when either the new or the old object's labels satisfy it. */
function matchesObjectSelector(selector: LabelSelector | undefined, attrs: AdmissionAttributes): boolean {
  if (!selector) return true;
  return (attrs.object !== null && matchesLabelSelector(selector, labelsOf(attrs.object))) || (attrs.oldObject !== null && matchesLabelSelector(selector, labelsOf(attrs.oldObject)));
}

export function matchesRule(rule: ResourceRule, attrs: AdmissionAttributes, matchPolicy: MatchResources['matchPolicy']): boolean {
  if (!includesOrStar(rule.operations, attrs.operation)) return false;
  if (!matchesScope(rule.scope, attrs)) return false;
  if (rule.resourceNames.length > 0 && !rule.resourceNames.includes(attrs.name)) return false;
  const { group, version, resource } = attrs.resource;
  if (!matchesSomeResourceName(rule.resources, resource, attrs.subResource)) return false;
  const versionOk = includesOrStar(rule.apiVersions, version);
  if (matchPolicy !== 'Equivalent') return versionOk && includesOrStar(rule.apiGroups, group);
  // Equivalent also admits another served version of the same group/resource: the API server converts the request.
  let namedGroup = false;
  let starGroup = false;
  for (const g of rule.apiGroups) {
    if (g === '*') starGroup = true;
    else if (g === group || servesSameObjects(g, group, resource)) namedGroup = true;
  }
  return namedGroup || (starGroup && versionOk);
}

function includesOrStar(values: readonly string[], value: string): boolean {
  for (const v of values) if (v === '*' || v === value) return true;
  return false;
}

function matchesSomeResourceName(patterns: readonly string[], resource: string, subResource: string): boolean {
  for (const pattern of patterns) if (matchesResourceName(pattern, resource, subResource)) return true;
  return false;
}

function matchesScope(scope: ResourceRule['scope'], attrs: AdmissionAttributes): boolean {
  if (scope === '*') return true;
  const namespaced = attrs.resource.namespaced || attrs.namespace !== '';
  return scope === 'Namespaced' ? namespaced : !namespaced;
}

/** `pods` names the main resource only; `pods/*` every subresource; `*\/scale` that subresource of anything. */
function matchesResourceName(pattern: string, resource: string, subResource: string): boolean {
  if (pattern === '*/*') return true;
  const slash = pattern.indexOf('/');
  if (slash < 0) return (pattern === '*' || pattern === resource) && subResource === '';
  const res = pattern.slice(0, slash);
  if (res !== '*' && res !== resource) return false;
  const sub = pattern.slice(slash + 1);
  return sub === '*' || sub === subResource;
}
