// Reads one configuration document from a file: size-bounded before it is held in memory, parsed with the same
// bounded YAML reader as manifests but with limits fit for a configuration file (few aliases, shallow nesting,
// one document). Problems come back as a ConfigError naming the file and line.
import { closeSync, openSync, readSync } from 'node:fs';
import { readBounded } from '../kube/manifest-files.js';
import { DEFAULT_LIMITS, parseYamlText, type ManifestLimits } from '../kube/manifests.js';
import { isKubeObject, type KubeObject } from '../kube/object.js';
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

/** The same, synchronously, for settings read once at start-up before anything listens. */
export function readConfigFileSync(file: string, limits: ManifestLimits = CONFIG_LIMITS): KubeObject {
  return parseConfigText(readTextSync(file, limits.maxFileBytes), file, limits);
}

/** A YAML file that is not a Kubernetes-style object (a kubeconfig may omit apiVersion and kind), as data. */
export function readYamlFileSync(file: string, limits: ManifestLimits = CONFIG_LIMITS): unknown {
  return singleDocument(readTextSync(file, limits.maxFileBytes), file, limits);
}

/** The single Kubernetes-style object in `text`. */
export function parseConfigText(text: string, file: string, limits: ManifestLimits = CONFIG_LIMITS): KubeObject {
  const { value, line } = singleDocumentWithLine(text, file, limits);
  if (!isKubeObject(value)) throw new ConfigError(file, [{ path: '', message: 'not a Kubernetes object: apiVersion and kind are required', line }]);
  if (value.metadata === undefined || value.metadata === null) value.metadata = {};
  return value;
}

function singleDocument(text: string, file: string, limits: ManifestLimits): unknown {
  return singleDocumentWithLine(text, file, limits).value;
}

function singleDocumentWithLine(text: string, file: string, limits: ManifestLimits): { value: unknown; line: number } {
  const docs = parseYamlText(text, file, limits);
  const errors = docs.filter((d) => d.type === 'error');
  if (errors.length > 0) throw new ConfigError(file, errors.map((e) => ({ path: '', message: e.message, line: e.source.line })));
  const values = docs.filter((d) => d.type === 'value');
  if (values.length === 0) throw new ConfigError(file, [{ path: '', message: 'the file holds no configuration document' }]);
  if (values.length > 1) throw new ConfigError(file, [{ path: '', message: 'expected exactly one document', line: values[1]!.source.line }]);
  return { value: values[0]!.value, line: values[0]!.source.line };
}

function readTextSync(file: string, maxBytes: number): string {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    // One byte past the limit tells a file at the limit from a larger one, however it changes while being read.
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > maxBytes) throw new Error(`file is larger than the limit of ${maxBytes} bytes`);
    return buffer.toString('utf8', 0, length);
  } catch (err) {
    throw new ConfigError(file, [{ path: '', message: `cannot read: ${(err as Error).message}` }]);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
