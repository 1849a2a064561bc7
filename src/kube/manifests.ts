// Reads Kubernetes manifests (YAML or JSON; multi-document; `kind: List` and `*List` kinds) into objects that know
// where they came from. Everything here reads attacker-controllable text, so every dimension is bounded: file size
// (by the caller), nesting depth, aliases and what they expand to (billion-laughs), and documents per file. A bad
// document becomes an error entry naming the file and line; the other documents of the file are still returned.
import { EVENT_ID, constructFromEvents, getScalarValue, parseEvents, type Event } from 'js-yaml';
import { isKubeObject, type KubeObject, type SourceLocation } from './object.js';
import { KUBERNETES_YAML_SCHEMA } from './yaml-schema.js';

export interface ManifestLimits {
  /** Largest file (or stdin) read, in bytes. */
  maxFileBytes: number;
  /** YAML aliases per document; real manifests use a handful at most. */
  maxAliases: number;
  /** Nodes a document may expand to once aliases are followed. */
  maxExpandedNodes: number;
  /** Deepest nesting of maps and lists in a document, aliases followed. */
  maxDepth: number;
  /** Documents (after expanding Lists) per file. */
  maxDocuments: number;
}

export const DEFAULT_LIMITS: ManifestLimits = {
  maxFileBytes: 64 * 1024 * 1024,
  maxAliases: 100,
  maxExpandedNodes: 1_000_000,
  maxDepth: 64,
  maxDocuments: 200_000,
};

export type ManifestEntry =
  | { type: 'object'; object: KubeObject; source: SourceLocation }
  | { type: 'error'; message: string; source: SourceLocation };

const DOCUMENT_MARKER = /^(?:---|\.\.\.)(?=[ \t]|\r?$)/gm;
const HELM_SOURCE = /^#\s*Source:\s*(\S.*?)\s*$/m;

interface Segment {
  text: string;
  offset: number;
}

/** A YAML document as data, before it is read as a Kubernetes object. */
export type YamlEntry =
  | { type: 'value'; value: unknown; source: SourceLocation; /** Lines of `items` entries, for `*List` kinds. */ itemLines?: number[] }
  | { type: 'error'; message: string; source: SourceLocation };

/** Parses one file's text. `file` is only used to name sources in results and errors. */
export function parseManifestText(text: string, file: string, limits: ManifestLimits = DEFAULT_LIMITS): ManifestEntry[] {
  const entries: ManifestEntry[] = [];
  for (const doc of parseYamlText(text, file, limits)) {
    if (doc.type === 'error') entries.push(doc);
    else if (doc.itemLines) addList(doc.value as KubeObject, doc.itemLines, doc.source, entries);
    else addObject(doc.value, doc.source, entries);
    if (entries.length > limits.maxDocuments) {
      entries.length = limits.maxDocuments;
      entries.push({ type: 'error', message: `more than ${limits.maxDocuments} documents; the rest of the file is not read`, source: doc.source });
      break;
    }
  }
  return entries;
}

/** The documents of a YAML stream as bounded data (Kubernetes' scalar rules), each with its line; empty ones left out. */
export function parseYamlText(text: string, file: string, limits: ManifestLimits = DEFAULT_LIMITS): YamlEntry[] {
  const lineOf = lineIndex(text);
  const docs: YamlEntry[] = [];
  for (const segment of splitDocuments(text)) {
    if (docs.length >= limits.maxDocuments) {
      docs.push({ type: 'error', message: `more than ${limits.maxDocuments} documents; the rest of the file is not read`, source: { file, line: lineOf(segment.offset) } });
      break;
    }
    const doc = parseSegment(segment, file, limits, lineOf);
    if (doc) docs.push(doc);
  }
  return docs;
}

/**
 * Cuts the text at document markers (`---`, `...` at the start of a line). YAML forbids these lines inside any
 * scalar, so the cut never splits a document, and a syntax error in one document cannot hide the others.
 */
function splitDocuments(text: string): Segment[] {
  const segments: Segment[] = [];
  let start = 0;
  DOCUMENT_MARKER.lastIndex = 0;
  for (let m = DOCUMENT_MARKER.exec(text); m !== null; m = DOCUMENT_MARKER.exec(text)) {
    if (m.index > start) segments.push({ text: text.slice(start, m.index), offset: start });
    if (m[0] === '...') {
      const end = text.indexOf('\n', m.index);
      start = end < 0 ? text.length : end + 1;
    } else {
      start = m.index;
    }
  }
  if (start < text.length) segments.push({ text: text.slice(start), offset: start });
  return segments;
}

function parseSegment(segment: Segment, file: string, limits: ManifestLimits, lineOf: (offset: number) => number): YamlEntry | undefined {
  const at = (offset: number): SourceLocation => ({ file, line: lineOf(segment.offset + offset) });
  let events: Event[];
  let value: unknown;
  try {
    events = parseEvents(segment.text, { maxDepth: limits.maxDepth });
    const root = events[1];
    if (!root || root.type === EVENT_ID.POP) return undefined; // an empty document (`---` alone, or only comments)
    value = constructFromEvents(events, { source: segment.text, schema: KUBERNETES_YAML_SCHEMA, maxAliases: limits.maxAliases })[0];
  } catch (err) {
    return { type: 'error', message: `invalid YAML: ${yamlErrorReason(err, limits)}`, source: at(yamlErrorOffset(err, segment.text)) };
  }
  const rootStart = nodeStart(events[1]!);
  const template = HELM_SOURCE.exec(segment.text.slice(0, rootStart))?.[1];
  const source: SourceLocation = template ? { ...at(rootStart), template } : at(rootStart);
  if (value === null || value === undefined) return undefined;
  if (events.some((e) => e.type === EVENT_ID.ALIAS)) {
    const problem = aliasExpansionProblem(value, limits);
    if (problem) return { type: 'error', message: `invalid YAML: ${problem}`, source };
    value = unshare(value); // aliases share objects; a later change to one place (a patch) must not show in another
  }
  if (isKubeObject(value) && isListKind(value)) {
    return { type: 'value', value, source, itemLines: listItemOffsets(events, segment.text).map((o) => at(o).line) };
  }
  return { type: 'value', value, source };
}

function addList(list: KubeObject, itemLines: number[], source: SourceLocation, entries: ManifestEntry[]): void {
  const items = (list as Record<string, unknown>).items;
  if (items === undefined || items === null) return;
  if (!Array.isArray(items)) {
    entries.push({ type: 'error', message: `${list.kind}.items is not a list`, source });
    return;
  }
  items.forEach((item: unknown, index: number) => addObject(item, { ...source, line: itemLines[index] ?? source.line }, entries));
}

function addObject(value: unknown, source: SourceLocation, entries: ManifestEntry[]): void {
  if (!isKubeObject(value)) {
    const what = Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'a mapping without apiVersion and kind' : `a ${typeof value}`;
    entries.push({ type: 'error', message: `not a Kubernetes object: the document is ${what}`, source });
    return;
  }
  if (value.metadata === undefined || value.metadata === null) value.metadata = {};
  if (typeof value.metadata !== 'object' || Array.isArray(value.metadata)) {
    entries.push({ type: 'error', message: `${value.kind}: metadata is not a mapping`, source });
    return;
  }
  entries.push({ type: 'object', object: value, source });
}

/** `List`, `PodList`, `DeploymentList`…: the containers `kubectl get -o yaml` prints. */
function isListKind(object: KubeObject): boolean {
  return object.kind.endsWith('List') && ('items' in object || object.kind === 'List');
}

function nodeStart(event: Event): number {
  switch (event.type) {
    case EVENT_ID.MAPPING:
    case EVENT_ID.SEQUENCE:
      return event.start;
    case EVENT_ID.SCALAR:
      return event.valueStart;
    case EVENT_ID.ALIAS:
      return event.anchorStart;
    default:
      return 0;
  }
}

/** Index just past the node that starts at `i`. */
function skipNode(events: Event[], i: number): number {
  const type = events[i]!.type;
  if (type !== EVENT_ID.MAPPING && type !== EVENT_ID.SEQUENCE) return i + 1;
  let depth = 0;
  do {
    const t = events[i]!.type;
    if (t === EVENT_ID.MAPPING || t === EVENT_ID.SEQUENCE) depth++;
    else if (t === EVENT_ID.POP) depth--;
    i++;
  } while (depth > 0 && i < events.length);
  return i;
}

/** Source offsets of the entries of the root mapping's `items` sequence. */
function listItemOffsets(events: Event[], source: string): number[] {
  if (events[1]?.type !== EVENT_ID.MAPPING) return [];
  for (let i = 2; i < events.length && events[i]!.type !== EVENT_ID.POP; ) {
    const key = events[i]!;
    const valueIndex = skipNode(events, i);
    if (key.type === EVENT_ID.SCALAR && getScalarValue(source, key) === 'items' && events[valueIndex]?.type === EVENT_ID.SEQUENCE) {
      const offsets: number[] = [];
      for (let j = valueIndex + 1; j < events.length && events[j]!.type !== EVENT_ID.POP; j = skipNode(events, j)) offsets.push(nodeStart(events[j]!));
      return offsets;
    }
    i = skipNode(events, valueIndex);
  }
  return [];
}

/**
 * Aliases share nodes, so a few of them can describe billions of nodes. Counts what the document expands to, and
 * how deep, visiting each shared node once.
 */
function aliasExpansionProblem(root: unknown, limits: ManifestLimits): string | undefined {
  const memo = new Map<object, { size: number; depth: number }>();
  const measure = (node: unknown): { size: number; depth: number } => {
    if (typeof node !== 'object' || node === null) return { size: 1, depth: 0 };
    const known = memo.get(node);
    if (known) return known;
    let size = 1;
    let depth = 0;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      const m = measure(child);
      size += m.size;
      depth = Math.max(depth, m.depth + 1);
      if (size > limits.maxExpandedNodes || depth > limits.maxDepth) break;
    }
    const result = { size, depth };
    memo.set(node, result);
    return result;
  };
  const { size, depth } = measure(root);
  if (size > limits.maxExpandedNodes) return `aliases expand the document to more than ${limits.maxExpandedNodes} nodes`;
  if (depth > limits.maxDepth) return `aliases nest the document deeper than ${limits.maxDepth} levels`;
  return undefined;
}

/** A deep copy in which every alias became its own copy (structuredClone would keep the sharing). */
function unshare(node: unknown): unknown {
  if (typeof node !== 'object' || node === null) return node;
  if (Array.isArray(node)) return node.map(unshare);
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(node)) Object.defineProperty(out, key, { value: unshare(child), enumerable: true, writable: true, configurable: true });
  return out;
}

function yamlErrorReason(err: unknown, limits: ManifestLimits): string {
  const e = err as { reason?: string; message?: string };
  const reason = (e.reason ?? e.message ?? String(err)).split('\n', 1)[0]!.trim();
  return err instanceof RangeError || reason.includes('maxDepth') ? `nesting deeper than ${limits.maxDepth} levels` : reason;
}

function yamlErrorOffset(err: unknown, text: string): number {
  const mark = (err as { mark?: { position?: number } }).mark;
  // An error found at the end of the document (an unclosed bracket) belongs to its last line, not the next one's.
  return typeof mark?.position === 'number' ? Math.min(mark.position, text.trimEnd().length - 1) : 0;
}

/** Maps a character offset to its 1-based line, by binary search over the newline positions. */
function lineIndex(text: string): (offset: number) => number {
  const starts: number[] = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}
