import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { yamlBlock, yamlSequenceItem, yamlString } from '../../src/report/yaml-emit.js';

function readBoth(text: string): unknown[] {
  // kubectl reads YAML 1.1 semantics; check both versions read the same data.
  return (['1.1', '1.2'] as const).map((version) => parse(text, { version, uniqueKeys: true, strict: true }));
}

describe('yaml emitter', () => {
  it('keeps strings strings under YAML 1.1 and 1.2 (no Norway problem)', () => {
    const value = { y: 'no', on: 'off', n: 'yes', 'true': 'null', num: '1e3', oct: '0777', date: '2001-12-14', tilde: '~', empty: '', colon: 'a: b', hash: '# c' };
    for (const read of readBoth(yamlBlock(value))) assert.deepEqual(read, value);
  });

  it('round-trips every code unit, escaping what YAML readers refuse', () => {
    let all = '';
    for (let c = 0; c <= 0xffff; c++) all += String.fromCharCode(c);
    all += '\ud83d\ude80';
    const text = yamlBlock({ s: all });
    assert.doesNotMatch(text, /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/, 'no raw unprintables in the stream');
    // Unpaired surrogates are not characters and cannot be written to a UTF-8 stream; they become U+FFFD.
    const expected = all.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
    for (const read of readBoth(text)) assert.equal((read as { s: string }).s, expected);
    assert.equal(yamlString('\u0085\u2028'), '"\\u0085\\u2028"');
  });

  it('writes nested maps, sequences, numbers, booleans and empty collections', () => {
    const value = { a: 1, b: true, c: null, d: [], e: {}, f: [{ g: 'h', i: [1, 2] }, 'j', [3, [4]]], k: { l: { m: -2.5 } }, skip: undefined };
    const [v11, v12] = readBoth(yamlBlock(value));
    const { skip: _skip, ...expected } = value;
    assert.deepEqual(v11, expected);
    assert.deepEqual(v12, expected);
  });

  it('streams sequence items that join into one sequence under a key', () => {
    const items = [{ a: 'x', b: [{ c: 1 }] }, { a: 'y' }];
    const text = `results:\n${items.map((i) => yamlSequenceItem(i)).join('')}---\nsecond: 2\n`;
    const docs = parseAllDocuments(text, { version: '1.1' }).map((d) => d.toJS());
    assert.deepEqual(docs, [{ results: items }, { second: 2 }]);
  });

  it('quotes keys that are not plain identifiers', () => {
    const value = { 'app.kubernetes.io/managed-by': 'x', 'key: with colon': 'y', '- dash': 'z', '': 'empty' };
    for (const read of readBoth(yamlBlock(value))) assert.deepEqual(read, value);
  });
});
