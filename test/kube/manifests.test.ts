import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifestText, DEFAULT_LIMITS, type ManifestEntry } from '../../src/kube/manifests.js';

const objects = (entries: ManifestEntry[]) => entries.filter((e) => e.type === 'object').map((e) => (e.type === 'object' ? e : never()));
const errors = (entries: ManifestEntry[]) => entries.filter((e) => e.type === 'error').map((e) => (e.type === 'error' ? e : never()));
function never(): never {
  throw new Error('unreachable');
}

test('multi-document YAML keeps each document line and skips empty documents', () => {
  const text = '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n---\n# only a comment\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: b\n';
  const out = objects(parseManifestText(text, 'm.yaml'));
  assert.deepEqual(out.map((e) => [e.object.kind, e.object.metadata.name, e.source.line]), [['ConfigMap', 'a', 2], ['Secret', 'b', 10]]);
});

test('Helm template output keeps its # Source: path', () => {
  const text = '---\n# Source: shop/templates/deployment.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n';
  const [entry] = objects(parseManifestText(text, 'rendered.yaml'));
  assert.deepEqual(entry!.source, { file: 'rendered.yaml', line: 3, template: 'shop/templates/deployment.yaml' });
});

test('kind: List and *List kinds are expanded with the line of each item', () => {
  const text = 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: p1}\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: d1}\n';
  assert.deepEqual(objects(parseManifestText(text, 'l.yaml')).map((e) => [e.object.kind, e.source.line]), [['Pod', 4], ['Deployment', 7]]);
  const podList = '{"apiVersion":"v1","kind":"PodList","items":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x"}}]}';
  assert.deepEqual(objects(parseManifestText(podList, 'p.json')).map((e) => e.object.metadata.name), ['x']);
});

test('JSON documents parse, and a missing metadata becomes an empty one', () => {
  const [entry] = objects(parseManifestText('{"apiVersion":"v1","kind":"Namespace"}', 'ns.json'));
  assert.deepEqual(entry!.object.metadata, {});
});

test('a bad document is an error naming its line; the others are still read', () => {
  const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: good}\n---\nfoo: [1, 2\n---\n- just\n- a list\n---\nname: no-kind\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  name: y\n';
  const entries = parseManifestText(text, 'bad.yaml');
  assert.deepEqual(objects(entries).map((e) => e.object.metadata.name), ['good']);
  const errs = errors(entries).map((e): [number, string] => [e.source.line, e.message]);
  assert.equal(errs.length, 4);
  assert.match(errs[0]![1], /invalid YAML/);
  assert.deepEqual(errs[1], [7, 'not a Kubernetes object: the document is a list']);
  assert.deepEqual(errs[2], [10, 'not a Kubernetes object: the document is a mapping without apiVersion and kind']);
  assert.match(errs[3]![1], /duplicated mapping key/);
  assert.equal(errs[3]![0], 16);
});

test('scalars resolve as Kubernetes (go-yaml v2) resolves them, so `privileged: on` cannot slip past', () => {
  const text = 'apiVersion: v1\nkind: X\nmetadata: {}\nv:\n  on: on\n  b: Yes\n  off: off\n  octal: 0755\n  under: 1_000\n  date: 2024-01-02\n  sexagesimal: 1:20\n  exp: 1e3\n  quoted: "yes"\n  hex: 0x1F\n  tilde: ~\n';
  const [entry] = objects(parseManifestText(text, 'y.yaml'));
  assert.deepEqual(entry!.object.v, { true: true, b: true, false: false, octal: 493, under: 1000, date: '2024-01-02', sexagesimal: '1:20', exp: 1000, quoted: 'yes', hex: 31, tilde: null });
});

test('a __proto__ key is plain data, never a prototype', () => {
  const [entry] = objects(parseManifestText('apiVersion: v1\nkind: X\nmetadata: {}\n__proto__: {polluted: true}\n', 'p.yaml'));
  assert.equal(Object.getPrototypeOf(entry!.object), Object.prototype);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('a syntax error is reported at its line', () => {
  const [err] = errors(parseManifestText('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n   bad: indent\n', 'e.yaml'));
  assert.equal(err!.source.line, 5);
});

test('an alias bomb is refused quickly', () => {
  let text = 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  for (let i = 1; i < 9; i++) text += `a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(',')}]\n`;
  text += 'apiVersion: v1\nkind: ConfigMap\n';
  const [err] = errors(parseManifestText(text, 'bomb.yaml'));
  assert.match(err!.message, /aliases expand the document to more than 1000000 nodes/);
  const fewAliases = 'base: &labels {app: web}\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, labels: *labels}\n';
  const [ok] = objects(parseManifestText(fewAliases, 'ok.yaml'));
  assert.deepEqual(ok!.object.metadata.labels, { app: 'web' });
  assert.notEqual(ok!.object.metadata.labels, ok!.object.base, 'aliases are copied, not shared');
});

test('absurd nesting is refused quickly, in flow and block style', () => {
  const flow = `apiVersion: v1\nkind: X\nx: ${'['.repeat(200_000)}${']'.repeat(200_000)}\n`;
  assert.match(errors(parseManifestText(flow, 'deep.yaml'))[0]!.message, /nesting deeper than 64/);
  let block = 'apiVersion: v1\nkind: X\nx:\n';
  for (let i = 1; i < 100; i++) block += `${' '.repeat(i)}a:\n`;
  assert.match(errors(parseManifestText(block, 'deep.yaml'))[0]!.message, /nesting deeper than 64/);
});

test('the document count is bounded', () => {
  const text = Array.from({ length: 5 }, (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c${i}}\n`).join('---\n');
  const entries = parseManifestText(text, 'many.yaml', { ...DEFAULT_LIMITS, maxDocuments: 3 });
  assert.equal(objects(entries).length, 3);
  assert.match(errors(entries)[0]!.message, /more than 3 documents/);
});
