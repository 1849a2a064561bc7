// Reads Kubernetes manifests (YAML or JSON; multi-document; `kind: List` and `*List` kinds) into objects that know
// where they came from. Everything here reads attacker-controllable text, so every dimension is bounded: file size,
// alias count (billion-laughs), nesting depth and document count. A bad document becomes an error entry naming the
// file and line; the other documents of the file are still returned.
import { LineCounter, parseAllDocuments, isMap, isSeq, type Document, type Node as YamlNode } from 'yaml';
import { isKubeObject, type KubeObject, type SourceLocation } from './object.js';

export interface ManifestLimits {
  /** Largest file (or stdin) read, in bytes. */
  maxFileBytes: number;
  /** YAML aliases resolved per document; an alias bomb needs thousands. */
  maxAliases: number;
  /** Deepest nesting of maps and lists in a document. */
  maxDepth: number;
  /** Documents (after expanding Lists) per file. */
  maxDocuments: number;
}

export const DEFAULT_LIMITS: ManifestLimits = {
  maxFileBytes: 64 * 1024 * 1024,
  maxAliases: 100,
  maxDepth: 64,
  maxDocuments: 200_000,
};

export type ManifestEntry =
  | { type: 'object'; object: KubeObject; source: SourceLocation }
  | { type: 'error'; message: string; source: SourceLocation };

const HELM_SOURCE = /^\s*Source:\s*(\S.*?)\s*$/m;

/** Parses one file's text. `file` is only used to name sources in results and errors. */
export function parseManifestText(text: string, file: string, limits: ManifestLimits = DEFAULT_LIMITS): ManifestEntry[] {
  const lineCounter = new LineCounter();
  const entries: ManifestEntry[] = [];
  const flowDepth = maxFlowNesting(text, limits.maxDepth);
  if (flowDepth > limits.maxDepth) {
    return [{ type: 'error', message: `nesting deeper than ${limits.maxDepth} levels of [ ] or { }; the file is not parsed`, source: { file, line: 1 } }];
  }
  let documents: Document.Parsed[];
  try {
    documents = parseAllDocuments(text, { lineCounter, version: '1.1', prettyErrors: false, uniqueKeys: true }) as Document.Parsed[];
  } catch (err) {
    return [{ type: 'error', message: `cannot parse: ${(err as Error).message}`, source: { file, line: 1 } }];
  }
  if (!Array.isArray(documents)) documents = [documents];
  const lineOf = (offset: number | undefined) => (offset === undefined ? 1 : lineCounter.linePos(offset).line);

  for (const doc of documents) {
    const start = doc.contents?.range?.[0] ?? doc.range?.[0];
    const template = helmTemplateOf(doc);
    const source: SourceLocation = template ? { file, line: lineOf(start), template } : { file, line: lineOf(start) };
    if (entries.length >= limits.maxDocuments) {
      entries.push({ type: 'error', message: `more than ${limits.maxDocuments} documents; the rest of the file is not read`, source });
      break;
    }
    if (doc.errors.length > 0) {
      const first = doc.errors[0]!;
      const line = first.pos ? lineOf(first.pos[0]) : source.line;
      const reason = first.message.includes('call stack') ? 'nesting too deep to parse' : firstLine(first.message);
      entries.push({ type: 'error', message: `invalid YAML: ${reason}`, source: { ...source, line } });
      continue;
    }
    if (doc.contents === null) continue; // an empty document (`---` alone, or only comments) is not an error
    const depth = nodeDepth(doc.contents as YamlNode, limits.maxDepth);
    if (depth > limits.maxDepth) {
      entries.push({ type: 'error', message: `nesting deeper than ${limits.maxDepth} levels`, source });
      continue;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: limits.maxAliases });
    } catch (err) {
      entries.push({ type: 'error', message: `cannot load document: ${firstLine((err as Error).message)}`, source });
      continue;
    }
    if (value === null || value === undefined) continue;
    addValue(value, doc.contents as YamlNode, source, entries, lineOf, limits);
  }
  return entries;
}

function addValue(
  value: unknown,
  node: YamlNode,
  source: SourceLocation,
  entries: ManifestEntry[],
  lineOf: (offset: number | undefined) => number,
  limits: ManifestLimits,
): void {
  if (!isKubeObject(value)) {
    const what = Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'a mapping without apiVersion and kind' : `a ${typeof value}`;
    entries.push({ type: 'error', message: `not a Kubernetes object: the document is ${what}`, source });
    return;
  }
  if (isListKind(value)) {
    const items = (value as Record<string, unknown>).items;
    if (items !== undefined && items !== null && !Array.isArray(items)) {
      entries.push({ type: 'error', message: `${value.kind}.items is not a list`, source });
      return;
    }
    const itemNodes = isMap(node) ? node.get('items', true) : undefined;
    (items ?? []).forEach((item: unknown, index: number) => {
      const itemNode = isSeq(itemNodes) ? (itemNodes.items[index] as YamlNode | undefined) : undefined;
      const itemSource = { ...source, line: lineOf(itemNode?.range?.[0]) };
      if (entries.length >= limits.maxDocuments) return;
      addValue(item, itemNode ?? node, itemSource, entries, lineOf, limits);
    });
    return;
  }
  if (value.metadata === undefined || value.metadata === null) value.metadata = {};
  if (typeof value.metadata !== 'object' || Array.isArray(value.metadata)) {
    entries.push({ type: 'error', message: `${value.kind}: metadata is not a mapping`, source });
    return;
  }
  entries.push({ type: 'object', object: value, source });
}

/** `List`, `PodList`, `DeploymentList`… with an `items` field: the containers kubectl prints. */
function isListKind(object: KubeObject): boolean {
  return object.kind.endsWith('List') && ('items' in object || object.kind === 'List');
}

function helmTemplateOf(doc: Document.Parsed): string | undefined {
  const comment = doc.commentBefore ?? (doc.contents as YamlNode | null)?.commentBefore;
  const match = comment ? HELM_SOURCE.exec(comment) : null;
  return match?.[1];
}

/** Depth of the node tree, computed without recursion and stopping as soon as `limit` is exceeded. */
function nodeDepth(root: YamlNode, limit: number): number {
  let max = 0;
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > max) max = depth;
    if (max > limit) return max;
    if (isMap(node)) {
      for (const pair of node.items) if (pair.value) stack.push([pair.value, depth + 1]);
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push([item, depth + 1]);
    }
  }
  return max;
}

/**
 * Deepest nesting of flow collections, found by a single pass over the text before the (recursive) parser sees it,
 * so a file of a million `[` is refused in milliseconds. Quoted strings and comments are skipped; the count may
 * over-estimate inside block scalars, which is harmless at the limits used.
 */
function maxFlowNesting(text: string, limit: number): number {
  let depth = 0;
  let max = 0;
  let quote = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote !== 0) {
      if (c === 92 /* backslash */ && quote === 34) i++;
      else if (c === quote) quote = 0;
      continue;
    }
    if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > max && (max = depth) > limit) return max;
    } else if (c === 93 /* ] */ || c === 125 /* } */) {
      if (depth > 0) depth--;
    } else if (c === 34 /* " */ || (c === 39 /* ' */ && depth > 0)) {
      quote = c;
    } else if (c === 35 /* # */ && (i === 0 || text.charCodeAt(i - 1) === 32 || text.charCodeAt(i - 1) === 10)) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    }
  }
  return max;
}

function firstLine(message: string): string {
  return message.split('\n', 1)[0]!.trim();
}
