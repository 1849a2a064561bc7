// The Kubernetes CEL libraries, in the order they are registered.
import type { CelLibrary } from '../library.js';

let libraries: readonly CelLibrary[] | undefined;

export function kubernetesLibraries(): readonly CelLibrary[] {
  libraries ??= [];
  return libraries;
}
