import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchesLabelSelector, parseLabelSelector } from '../../../src/kube/matching/label-selector.js';

test('matchLabels and matchExpressions are ANDed; an empty selector matches everything', () => {
  const { selector, errors } = parseLabelSelector({
    matchLabels: { app: 'web' },
    matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'edge'] }, { key: 'legacy', operator: 'DoesNotExist' }],
  }, 'spec.selector');
  assert.deepEqual(errors, []);
  assert.equal(matchesLabelSelector(selector, { app: 'web', tier: 'edge' }), true);
  assert.equal(matchesLabelSelector(selector, { app: 'web', tier: 'back' }), false);
  assert.equal(matchesLabelSelector(selector, { app: 'web', tier: 'edge', legacy: 'y' }), false);
  assert.equal(matchesLabelSelector(parseLabelSelector({}, 'x').selector, {}), true);
});

test('NotIn matches an absent key; Exists does not', () => {
  const notIn = parseLabelSelector({ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, 's').selector;
  assert.equal(matchesLabelSelector(notIn, {}), true);
  assert.equal(matchesLabelSelector(notIn, { env: 'prod' }), false);
  const exists = parseLabelSelector({ matchExpressions: [{ key: 'env', operator: 'Exists' }] }, 's').selector;
  assert.equal(matchesLabelSelector(exists, {}), false);
});

test('inherited object keys are not labels', () => {
  const selector = parseLabelSelector({ matchExpressions: [{ key: 'constructor', operator: 'Exists' }] }, 's').selector;
  assert.equal(matchesLabelSelector(selector, {}), false);
});

test('invalid selectors are rejected with the field path', () => {
  assert.deepEqual(parseLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In' }] }, 'spec.objectSelector').errors,
    ['spec.objectSelector.matchExpressions[0].values: must be non-empty for operator In']);
  assert.deepEqual(parseLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Matches', values: ['x'] }] }, 'p').errors,
    ['p.matchExpressions[0].operator: must be one of In, NotIn, Exists, DoesNotExist']);
  assert.deepEqual(parseLabelSelector({ matchLabels: { a: 1 } }, 'p').errors, ['p.matchLabels.a: must be a string']);
});
