// The nesting pre-scan that guards JSON.parse and every recursive walker after it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonInputError, jsonNesting, parseBoundedJson } from '../../src/admission/bounded-json.js';

test('counts nesting of arrays and objects, not of brackets inside strings', () => {
  assert.equal(jsonNesting('{"a":[1,{"b":[]}]}', 100), 4);
  assert.equal(jsonNesting('{"a":"[[[[{{{{"}', 100), 1);
  assert.equal(jsonNesting('"no structure"', 100), 0);
});

test('ends a string only at a quote not escaped by an odd run of backslashes', () => {
  assert.equal(jsonNesting(String.raw`{"a":"\"[[[["}`, 100), 1, 'escaped quote stays inside the string');
  assert.equal(jsonNesting(String.raw`{"a":"\\","b":[[1]]}`, 100), 3, 'an escaped backslash does not escape the quote');
  assert.equal(jsonNesting(String.raw`{"a":"\\\"[[","b":[1]}`, 100), 2);
  assert.equal(jsonNesting('{"a":"unterminated [[[', 100), 1);
});

test('stops as soon as the limit is passed and refuses the document before parsing it', () => {
  const deep = `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`;
  assert.equal(jsonNesting(deep, 100), 101);
  assert.throws(() => parseBoundedJson(deep, 100), (err: Error) => err instanceof JsonInputError && /deeper than 100 levels/.test(err.message));
  assert.deepEqual(parseBoundedJson(`${'['.repeat(100)}${']'.repeat(100)}`, 100), JSON.parse(`${'['.repeat(100)}${']'.repeat(100)}`));
});

test('names what is wrong with invalid JSON', () => {
  assert.throws(() => parseBoundedJson('{"a":', 100), /^JsonInputError: not valid JSON: /);
});

test('accepts shallow documents with more brackets than the limit, in strings or side by side', () => {
  const inStrings = JSON.stringify({ a: '[{'.repeat(200) });
  assert.deepEqual(parseBoundedJson(inStrings, 100), JSON.parse(inStrings));
  const sideBySide = JSON.stringify(Array.from({ length: 300 }, () => ({ b: [] })));
  assert.deepEqual(parseBoundedJson(sideBySide, 100), JSON.parse(sideBySide));
  const deepAmongMany = `[${'{},'.repeat(200)}${'['.repeat(101)}${']'.repeat(101)}]`;
  assert.throws(() => parseBoundedJson(deepAmongMany, 100), /deeper than 100 levels/);
});
