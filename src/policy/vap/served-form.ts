// An object as the API server hands it to CEL: it decodes the request into the typed Go struct and converts that
// back into a map. That round-trip drops a null or absent field whose JSON tag has `omitempty` (the CEL layer drops
// null map entries for this reason), but serves a nil list or map field without `omitempty` as `null`, which
// policies test for (`object.rules == null`). Such fields of the built-in kinds are listed here, by group and kind.
import type { KubeObject } from '../../kube/object.js';
import { groupOf } from '../../kube/object.js';
import { newCelMap } from '../../cel/index.js';

const NULL_WHEN_UNSET: ReadonlyMap<string, { group: string; fields: readonly string[] }> = new Map([
  // rbac/v1 Role.Rules and ClusterRole.Rules: `json:"rules"`.
  ['Role', { group: 'rbac.authorization.k8s.io', fields: ['rules'] }],
  ['ClusterRole', { group: 'rbac.authorization.k8s.io', fields: ['rules'] }],
]);

/** `converted` is `object` as toCelValue made it; the result adds the null fields the API server would serve. */
export function servedForm(object: KubeObject | null, converted: unknown): unknown {
  const entry = object === null ? undefined : NULL_WHEN_UNSET.get(object.kind);
  if (!entry || typeof object!.apiVersion !== 'string' || groupOf(object!.apiVersion) !== entry.group) return converted;
  const map = converted as Record<string, unknown>;
  const { fields } = entry;
  if (fields.every((f) => f in map)) return converted;
  // A copy: the converted object is cached and shared with other readers of the same input.
  const served: Record<string, unknown> = Object.assign(newCelMap(), map);
  for (const field of fields) if (!(field in served)) served[field] = null;
  return served;
}
