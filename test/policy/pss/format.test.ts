import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goQuote, joinQuote, setters, sortedSet } from '../../../src/policy/pss/format.js';

test('joinQuote quotes without escaping, like PSA', () => {
  assert.equal(joinQuote([]), '');
  assert.equal(joinQuote(['a']), '"a"');
  assert.equal(joinQuote(['a', 'b"c']), '"a", "b"c"');
});

test('goQuote escapes like Go %q', () => {
  assert.equal(goQuote('plain'), '"plain"');
  assert.equal(goQuote('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(goQuote('\n\t\x00\x7f'), '"\\n\\t\\x00\\x7f"');
  assert.equal(goQuote('é\u2028'), '"é\\u2028"');
});

test('sortedSet orders by code point like Go sorts UTF-8 bytes', () => {
  assert.deepEqual(sortedSet(['b', 'a', 'B', 'b']), ['B', 'a', 'b']);
  assert.deepEqual(sortedSet(['\u{1F600}', '\uFFFD']), ['\uFFFD', '\u{1F600}']);
});

test('setters names the pod first, then containers, then others', () => {
  assert.equal(setters(true, []), 'pod');
  assert.equal(setters(false, ['a']), 'container "a"');
  assert.equal(setters(true, ['a', 'b'], 'annotations'), 'pod and containers "a", "b" and annotations');
});
