// Kyverno CEL libraries that need a registry, an HTTP endpoint or Kyverno's global context. They are declared so
// that policies using them compile, and every call fails with a message saying why, so a rule that depends on them
// reports an error instead of passing.
import { celError, type CelLibrary } from '../../../cel/index.js';

export class ImageDataNamespace {}
export class HttpNamespace {}
export class GlobalContextNamespace {}

function unavailable(what: string, needs: string): () => never {
  return () => {
    throw celError(`${what} needs ${needs}, which is not available offline`);
  };
}

export const clusterOnlyLibrary: CelLibrary = {
  name: 'kyverno.cluster-only',
  // Stands in for functions whose answers come from outside (a registry, the network, a cluster).
  volatile: true,
  types: [
    { name: 'kyverno.ImageDataNamespace', ctor: ImageDataNamespace },
    { name: 'kyverno.HttpNamespace', ctor: HttpNamespace },
    { name: 'kyverno.GlobalContextNamespace', ctor: GlobalContextNamespace },
  ],
  constants: [
    { name: 'image', type: 'kyverno.ImageDataNamespace', value: new ImageDataNamespace() },
    { name: 'http', type: 'kyverno.HttpNamespace', value: new HttpNamespace() },
    { name: 'globalContext', type: 'kyverno.GlobalContextNamespace', value: new GlobalContextNamespace() },
  ],
  functions: [
    { signature: 'kyverno.ImageDataNamespace.GetMetadata(string): map<string, dyn>', handler: unavailable('image.GetMetadata', 'registry access') },
    { signature: 'kyverno.HttpNamespace.Get(string): dyn', handler: unavailable('http.Get', 'network access') },
    { signature: 'kyverno.HttpNamespace.Get(string, map<string, string>): dyn', handler: unavailable('http.Get', 'network access') },
    { signature: 'kyverno.HttpNamespace.Post(string, dyn): dyn', handler: unavailable('http.Post', 'network access') },
    { signature: 'kyverno.HttpNamespace.Post(string, dyn, map<string, string>): dyn', handler: unavailable('http.Post', 'network access') },
    { signature: 'kyverno.GlobalContextNamespace.Get(string, string): dyn', handler: unavailable('globalContext.Get', "Kyverno's global context (a cluster)") },
  ],
};
