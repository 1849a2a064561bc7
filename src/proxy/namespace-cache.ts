// Namespaces (for their labels) as the upstream has them, fetched with the proxy's own credential and cached
// briefly, so an access condition like "writes to namespaces labelled env=prod need a justification" costs one
// upstream read per namespace per TTL. Concurrent lookups of one namespace share a single fetch. A namespace that
// does not exist is cached as null; any other failure is thrown (the caller denies: fail closed).
import type { KubeObject } from '../kube/object.js';
import { callUpstreamJson } from './upstream-api.js';
import type { Upstream } from './upstream.js';

export interface NamespaceCache {
  get(name: string): Promise<KubeObject | null>;
}

export interface NamespaceCacheOptions {
  ttlMs: number;
  timeoutMs: number;
  maxEntries?: number;
  now?: () => number;
}

export function createNamespaceCache(upstream: Upstream, options: NamespaceCacheOptions): NamespaceCache {
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? 10_000;
  const entries = new Map<string, { at: number; value: Promise<KubeObject | null> }>();
  const fetchNamespace = async (name: string): Promise<KubeObject | null> => {
    const reply = await callUpstreamJson(upstream, 'GET', `/api/v1/namespaces/${encodeURIComponent(name)}`, undefined, options.timeoutMs);
    if (reply.status === 404) return null;
    if (reply.status !== 200) throw new Error(`reading namespace "${name}" from the upstream failed with HTTP ${reply.status}`);
    return reply.body as KubeObject;
  };
  return {
    get(name) {
      const cached = entries.get(name);
      if (cached && now() - cached.at < options.ttlMs) return cached.value;
      const value = fetchNamespace(name);
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(name, { at: now(), value });
      value.catch(() => entries.delete(name));
      return value;
    },
  };
}
