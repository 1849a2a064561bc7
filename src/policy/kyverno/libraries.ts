// The CEL libraries every Kyverno policy compiles with, on top of the Kubernetes ones.
import type { CelLibrary } from '../../cel/index.js';
import type { ObjectLookup } from '../../kube/matching/object-index.js';
import { clusterOnlyLibrary } from './cel/cluster-only-library.js';
import { resourceLibrary } from './cel/resource-library.js';

const byLookup = new WeakMap<ObjectLookup, readonly CelLibrary[]>();

/** One list per lookup: policies compiled with the same list share the values of their common variables. */
export function kyvernoLibraries(lookup: ObjectLookup): readonly CelLibrary[] {
  let libraries = byLookup.get(lookup);
  if (!libraries) byLookup.set(lookup, (libraries = [resourceLibrary(lookup), clusterOnlyLibrary]));
  return libraries;
}
