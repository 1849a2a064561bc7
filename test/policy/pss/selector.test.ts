import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePssSelector } from '../../../src/policy/pss/selector.js';

test('parsePssSelector: level with optional version', () => {
  assert.deepEqual(parsePssSelector('restricted'), { level: 'restricted', version: 'latest' });
  assert.deepEqual(parsePssSelector('baseline:latest'), { level: 'baseline', version: 'latest' });
  assert.deepEqual(parsePssSelector('baseline:v1.0'), { level: 'baseline', version: 'v1.0' });
  assert.deepEqual(parsePssSelector(' restricted:v1.30 '), { level: 'restricted', version: 'v1.30' });
  assert.deepEqual(parsePssSelector('restricted:v1.99'), { level: 'restricted', version: 'v1.99' });
});

test('parsePssSelector: none and privileged switch the standards off', () => {
  assert.equal(parsePssSelector('none'), null);
  assert.equal(parsePssSelector('privileged'), null);
});

test('parsePssSelector: bad values are named along with the accepted forms', () => {
  for (const bad of ['', 'Restricted', 'strict', 'restricted:', 'restricted:1.30', 'restricted:v2.0', 'restricted:v1.030', 'baseline:v1.3x',
    'restricted:v1.30:x', 'none:v1.0']) {
    assert.throws(() => parsePssSelector(bad), (err: Error) =>
      err.message.includes(JSON.stringify(bad)) && err.message.includes('baseline or restricted, optionally with :v1.N or :latest'), bad);
  }
});

test('parsePssSelector: oversized input is refused with a bounded message', () => {
  const huge = `restricted:v1.${'9'.repeat(100_000)}`;
  assert.throws(() => parsePssSelector(huge), (err: Error) => err.message.length < 400);
});
