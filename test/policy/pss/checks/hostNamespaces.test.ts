import { test } from 'node:test';
import assert from 'node:assert/strict';
import { outcome, spec } from '../support.js';

test('hostNamespaces: allowed when unset or false', () => {
  assert.equal(outcome('hostNamespaces', 'latest', spec()), 'allowed');
  assert.equal(outcome('hostNamespaces', 'latest', spec({ hostNetwork: false, hostPID: false, hostIPC: false })), 'allowed');
});

test('hostNamespaces: lists every shared namespace', () => {
  assert.equal(outcome('hostNamespaces', 'v1.0', spec({ hostNetwork: true })), 'host namespaces (hostNetwork=true)');
  assert.equal(outcome('hostNamespaces', 'latest', spec({ hostNetwork: true, hostPID: true, hostIPC: true })),
    'host namespaces (hostNetwork=true, hostPID=true, hostIPC=true)');
});
