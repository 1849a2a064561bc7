// The objects a policy may look up besides the one it judges — ValidatingAdmissionPolicy params, namespaces,
// Kyverno `resource.Get`/`resource.List` — when there is no cluster: the scanned inputs, or a test's resources.
import type { KubeObject } from '../object.js';
import { labelsOf, matchesLabelSelector, type LabelSelector } from './label-selector.js';
import { parseApiVersion } from './resources.js';

export interface ObjectLookup {
  /** The object with this group/kind (any version), namespace ('' for cluster-scoped) and name. */
  get(group: string, kind: string, namespace: string, name: string): KubeObject | undefined;
  /** Objects of this group/kind in a namespace ('' = every namespace) whose labels match the selector. */
  list(group: string, kind: string, namespace: string, selector?: LabelSelector): KubeObject[];
  namespace(name: string): KubeObject | undefined;
}

export class ObjectIndex implements ObjectLookup {
  private readonly byKind = new Map<string, KubeObject[]>();

  constructor(objects: Iterable<KubeObject> = []) {
    for (const object of objects) this.add(object);
  }

  add(object: KubeObject): void {
    const key = kindKey(parseApiVersion(object.apiVersion).group, object.kind);
    const list = this.byKind.get(key);
    if (list) list.push(object);
    else this.byKind.set(key, [object]);
  }

  get(group: string, kind: string, namespace: string, name: string): KubeObject | undefined {
    return this.byKind.get(kindKey(group, kind))?.find((o) => o.metadata?.name === name && (o.metadata?.namespace ?? '') === namespace);
  }

  list(group: string, kind: string, namespace: string, selector?: LabelSelector): KubeObject[] {
    return (this.byKind.get(kindKey(group, kind)) ?? []).filter((o) =>
      (namespace === '' || (o.metadata?.namespace ?? '') === namespace) && matchesLabelSelector(selector, labelsOf(o)));
  }

  namespace(name: string): KubeObject | undefined {
    return this.get('', 'Namespace', '', name);
  }
}

function kindKey(group: string, kind: string): string {
  return `${group}/${kind}`;
}

export const EMPTY_LOOKUP: ObjectLookup = new ObjectIndex();
