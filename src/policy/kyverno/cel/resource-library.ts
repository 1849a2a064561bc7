// Kyverno's `resource` CEL library (`resource.Get(apiVersion, resource, namespace, name)`,
// `resource.List(apiVersion, resource, namespace)`), answered from an ObjectLookup: the scanned inputs or a
// test's context resources. In a cluster Kyverno asks the API server; offline, what is not among the inputs is
// not found, and the expression errors rather than guessing.
import { celError, toCelValue, type CelLibrary } from '../../../cel/index.js';
import type { ObjectLookup } from '../../../kube/matching/object-index.js';
import { kindOfResource, parseApiVersion } from '../../../kube/matching/resources.js';

export class ResourceNamespace {
  constructor(readonly lookup: ObjectLookup) {}
}

function kindOf(apiVersion: string, resource: string): { group: string; kind: string } {
  const { group } = parseApiVersion(apiVersion);
  const kind = kindOfResource(group, resource);
  if (!kind) throw celError(`resource: unknown resource "${resource}" in "${apiVersion}" (only built-in resources can be looked up offline)`);
  return { group, kind };
}

export function resourceLibrary(lookup: ObjectLookup): CelLibrary {
  return {
    name: 'kyverno.resource',
    // The lookup may change between evaluations (admission), so results are never kept across them.
    volatile: true,
    types: [{ name: 'kyverno.ResourceNamespace', ctor: ResourceNamespace }],
    constants: [{ name: 'resource', type: 'kyverno.ResourceNamespace', value: new ResourceNamespace(lookup) }],
    functions: [
      {
        signature: 'kyverno.ResourceNamespace.Get(string, string, string, string): map<string, dyn>',
        handler: (self: ResourceNamespace, apiVersion: string, resource: string, namespace: string, name: string) => {
          const { group, kind } = kindOf(apiVersion, resource);
          const object = self.lookup.get(group, kind, namespace, name);
          if (!object) throw celError(`resource.Get: ${resource} ${namespace ? `${namespace}/` : ''}${name} not found among the inputs`);
          return toCelValue(object);
        },
      },
      {
        signature: 'kyverno.ResourceNamespace.List(string, string, string): map<string, dyn>',
        handler: (self: ResourceNamespace, apiVersion: string, resource: string, namespace: string) => {
          const { group, kind } = kindOf(apiVersion, resource);
          return toCelValue({ apiVersion: 'v1', kind: `${kind}List`, items: self.lookup.list(group, kind, namespace) });
        },
      },
    ],
  };
}
