import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Field, Issues, describeType, joinPath } from '../../src/config/fields.js';
import { ConfigError } from '../../src/config/config-error.js';

function read<T>(value: unknown, reader: (root: Field) => T): { value: T; issues: string[] } {
  const issues = new Issues();
  const result = reader(new Field(value, '', issues));
  return { value: result, issues: issues.list.map((i) => `${i.path}: ${i.message}`) };
}

describe('config field toolkit', () => {
  it('builds paths that stay unambiguous', () => {
    assert.equal(joinPath('', 'rules'), 'rules');
    assert.equal(joinPath('rules', 'severity'), 'rules.severity');
    assert.equal(joinPath('rules.severity', 'gatehouse-builtin/image-latest-tag'), 'rules.severity.gatehouse-builtin/image-latest-tag');
    assert.equal(joinPath('labels', 'app.kubernetes.io/name'), 'labels["app.kubernetes.io/name"]');
    assert.equal(joinPath('a', ''), 'a[""]');
    assert.equal(joinPath('items', 3), 'items[3]');
  });

  it('describes wrong types', () => {
    assert.deepEqual([null, [], {}, 'x', 1, true].map(describeType), ['null', 'a list', 'a mapping', 'a string', 'a number', 'a boolean']);
  });

  it('reads typed fields and reports every problem with its path', () => {
    const { value, issues } = read({ name: 7, port: 70000, enabled: 'yes', mode: 'fast', tags: ['a', 'b', 'a', 3], extra: 1, nested: { deep: [] } }, (root) => {
      const doc = root.object()!;
      const out = {
        name: doc.field('name', { required: true })?.string(),
        port: doc.field('port')?.integer({ min: 1, max: 65535 }),
        enabled: doc.field('enabled')?.boolean(),
        mode: doc.field('mode')?.string({ oneOf: ['slow', 'safe'] }),
        tags: doc.field('tags')?.list((item) => item.string(), { unique: true }),
        missing: doc.field('missing', { required: true }),
        nested: doc.field('nested')?.object(),
      };
      out.nested?.field('deep')?.list((item) => item.string(), { nonEmpty: true });
      out.nested?.finish();
      doc.finish();
      return out;
    });
    assert.deepEqual(value, { name: undefined, port: undefined, enabled: undefined, mode: undefined, tags: undefined, missing: undefined, nested: value.nested });
    assert.deepEqual(issues, [
      'name: must be a string (got a number)',
      'port: must be at most 65535 (got 70000)',
      'enabled: must be true or false (got a string)',
      'mode: must be one of slow, safe (got "fast")',
      'tags[2]: duplicate of tags[0]',
      'tags[3]: must be a string (got a number)',
      'missing: required field is missing',
      'nested.deep: must not be empty',
      'extra: unknown field (known fields: name, port, enabled, mode, tags, missing, nested)',
    ]);
  });

  it('treats null as absent', () => {
    const { value, issues } = read({ a: null }, (root) => {
      const doc = root.object()!;
      const a = doc.field('a');
      doc.finish();
      return a;
    });
    assert.equal(value, undefined);
    assert.deepEqual(issues, []);
  });

  it('reads free-form maps and bounds their size', () => {
    const ok = read({ x: 'low', y: 'high' }, (root) => root.map((v) => v.string()));
    assert.deepEqual([...ok.value!], [['x', 'low'], ['y', 'high']]);
    const bad = read({ x: 1, 'a.b': 'ok' }, (root) => root.map((v) => v.string({ check: (s) => (s === 'ok' ? 'not ok' : undefined) })));
    assert.equal(bad.value, undefined);
    assert.deepEqual(bad.issues, ['x: must be a string (got a number)', '["a.b"]: not ok']);
    assert.deepEqual(read({ a: 1, b: 2 }, (root) => root.map((v) => v.integer(), { maxEntries: 1 })).issues, [': must have at most 1 entries (got 2)']);
  });

  it('bounds lists', () => {
    assert.deepEqual(read([1, 2, 3], (root) => root.list((i) => i.integer(), { maxItems: 2 })).issues, [': must have at most 2 items (got 3)']);
  });

  it('formats all issues of a file at once', () => {
    const err = new ConfigError('gatehouse.yaml', [{ path: 'a.b', message: 'bad' }, { path: '', message: 'invalid YAML', line: 3 }]);
    assert.equal(err.message, 'gatehouse.yaml: a.b: bad\ngatehouse.yaml:3: invalid YAML');
    assert.equal(err.file, 'gatehouse.yaml');
    assert.equal(err.issues.length, 2);
  });
});
