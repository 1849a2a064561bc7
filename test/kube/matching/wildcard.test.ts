import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileWildcard, wildcardMatch } from '../../../src/kube/matching/wildcard.js';

test('* matches any run, ? one character, other characters literally', () => {
  assert.equal(wildcardMatch('kube-*', 'kube-system'), true);
  assert.equal(wildcardMatch('kube-*', 'kube'), false);
  assert.equal(wildcardMatch('*-prod', 'team-a-prod'), true);
  assert.equal(wildcardMatch('ns-?', 'ns-1'), true);
  assert.equal(wildcardMatch('ns-?', 'ns-12'), false);
  assert.equal(wildcardMatch('a.b', 'axb'), false);
  assert.equal(compileWildcard('exact')('exact'), true);
  assert.equal(compileWildcard('*')(''), true);
});

test('a pathological pattern against a long subject stays fast (no backtracking regex)', () => {
  const pattern = `${'*a'.repeat(50)}b`;
  const subject = 'a'.repeat(20_000);
  // A backtracking matcher would not finish this; the linear one answers both ways.
  assert.equal(wildcardMatch(pattern, subject), false);
  assert.equal(wildcardMatch(pattern, `${subject}b`), true);
});
