import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseListenAddress } from '../../src/server/listen-address.js';

test('parses HOST:PORT forms', () => {
  assert.deepEqual(parseListenAddress('127.0.0.1:8443'), { host: '127.0.0.1', port: 8443 });
  assert.deepEqual(parseListenAddress('[::1]:0'), { host: '::1', port: 0 });
  assert.deepEqual(parseListenAddress(':443'), { host: '0.0.0.0', port: 443 });
  assert.deepEqual(parseListenAddress('localhost:80'), { host: 'localhost', port: 80 });
});

test('refuses malformed addresses', () => {
  for (const bad of ['8443', 'host:', 'host:70000', '::1:80', 'a:b', '']) assert.throws(() => parseListenAddress(bad), /HOST:PORT/, bad);
});
