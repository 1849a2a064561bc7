import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isQuantity, parseQuantity, Quantity } from '../../src/kube/quantity.js';

test('parses every suffix family exactly', () => {
  const cases: [string, bigint][] = [
    ['0', 0n],
    ['1', 10n ** 9n],
    ['500m', 5n * 10n ** 8n],
    ['1.5', 15n * 10n ** 8n],
    ['.5', 5n * 10n ** 8n],
    ['+2', 2n * 10n ** 9n],
    ['-2', -2n * 10n ** 9n],
    ['1n', 1n],
    ['1u', 1000n],
    ['1k', 10n ** 12n],
    ['1Ki', 1024n * 10n ** 9n],
    ['1.5Gi', 1610612736n * 10n ** 9n],
    ['1e3', 10n ** 12n],
    ['1E3', 10n ** 12n],
    ['2.5e-3', 25n * 10n ** 5n],
  ];
  for (const [text, nanos] of cases) assert.equal(parseQuantity(text).nanos, nanos, text);
});

test('rounds sub-nano precision away from zero and caps huge values', () => {
  assert.equal(parseQuantity('0.1n').nanos, 1n);
  assert.equal(parseQuantity('-0.1n').nanos, -1n);
  assert.equal(parseQuantity('1e-40').nanos, 1n);
  assert.equal(parseQuantity('1e999999999').nanos, (2n ** 63n - 1n) * 10n ** 9n);
  assert.equal(parseQuantity('99999999999999999999999E').value(), 2n ** 63n - 1n);
});

test('rejects malformed quantities', () => {
  for (const bad of ['', 'Mi', '1,3G', '200K', '1.2.3', ' 1', '1 ', 'Three', '1e', '1ki', '--1', 'x'.repeat(200)]) {
    assert.equal(isQuantity(bad), false, JSON.stringify(bad));
    assert.throws(() => parseQuantity(bad));
  }
});

test('value, milliValue and comparisons', () => {
  assert.equal(parseQuantity('1.1').value(), 2n);
  assert.equal(parseQuantity('-1.1').value(), -2n);
  assert.equal(parseQuantity('250m').milliValue(), 250n);
  assert.equal(parseQuantity('1Gi').compare(parseQuantity('1G')), 1);
  assert.equal(parseQuantity('1').compare(parseQuantity('1000m')), 0);
  assert.ok(parseQuantity('100Mi').add(parseQuantity('100Mi')).equals(parseQuantity('200Mi')));
  assert.ok(parseQuantity('1').sub(Quantity.fromInteger(2)).equals(parseQuantity('-1')));
  assert.equal(parseQuantity('1.5').asInteger(), undefined);
  assert.equal(parseQuantity('3k').asInteger(), 3000n);
});

test('formats canonically like Quantity.String()', () => {
  const cases: [string, string][] = [
    ['1000', '1k'],
    ['1001', '1001'],
    ['1.5', '1500m'],
    ['0.5Gi', '512Mi'],
    ['1536Mi', '1536Mi'],
    ['2048Ki', '2Mi'],
    ['100', '100'],
    ['0', '0'],
    ['1e3', '1e3'],
    ['-1500m', '-1500m'],
  ];
  for (const [input, canonical] of cases) assert.equal(parseQuantity(input).toString(), canonical, input);
});
