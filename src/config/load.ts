// Reads one configuration document from a file: size-bounded before it is held in memory, parsed with the same
// bounded YAML reader as manifests but with limits fit for a configuration file (few aliases, shallow nesting,
// one document). Problems come back as a ConfigError naming the file and line.
import { readBounded } from '../kube/manifest-files.js';
import { DEFAULT_LIMITS, parseManifestText, type ManifestLimits } from '../kube/manifests.js';
import type { KubeObject } from '../kube/object.js';
import { ConfigError } from './config-error.js';

export const CONFIG_LIMITS: ManifestLimits = {
  ...DEFAULT_LIMITS,
  maxFileBytes: 1024 * 1024,
  maxAliases: 16,
  maxExpandedNodes: 100_000,
  maxDepth: 32,
  // Two, so that a second document is seen and reported as such rather than silently ignored.
  maxDocuments: 2,
};

export async function readConfigFile(file: string, limits: ManifestLimits = CONFIG_LIMITS): Promise<KubeObject> {
  let text: string;
  try {
    text = await readBounded(file, limits.maxFileBytes);
  } catch (err) {
    throw new ConfigError(file, [{ path: '', message: `cannot read: ${(err as Error).message}` }]);
  }
  return parseConfigText(text, file, limits);
}

/** The single Kubernetes-style object in `text`. */
export function parseConfigText(text: string, file: string, limits: ManifestLimits = CONFIG_LIMITS): KubeObject {
  const entries = parseManifestText(text, file, limits);
  const errors = entries.filter((e) => e.type === 'error');
  if (errors.length > 0) throw new ConfigError(file, errors.map((e) => ({ path: '', message: e.message, line: e.source.line })));
  const objects = entries.filter((e) => e.type === 'object');
  if (objects.length === 0) throw new ConfigError(file, [{ path: '', message: 'the file holds no configuration document' }]);
  if (objects.length > 1) throw new ConfigError(file, [{ path: '', message: 'expected exactly one document', line: objects[1]!.source.line }]);
  return objects[0]!.object;
}
