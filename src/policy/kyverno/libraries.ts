// The CEL libraries every Kyverno policy compiles with, on top of the Kubernetes ones.
import type { CelLibrary } from '../../cel/index.js';
import type { ObjectLookup } from '../../kube/matching/object-index.js';
import { clusterOnlyLibrary } from './cel/cluster-only-library.js';
import { resourceLibrary } from './cel/resource-library.js';

export function kyvernoLibraries(lookup: ObjectLookup): CelLibrary[] {
  return [resourceLibrary(lookup), clusterOnlyLibrary];
}
