import { test } from 'node:test';
import assert from 'node:assert/strict';
import { container, outcome, spec } from '../support.js';

test('windowsHostProcess: false or unset is allowed', () => {
  const pod = spec({ os: { name: 'windows' }, containers: [container('app', { windowsOptions: { hostProcess: false, runAsUserName: 'x' } })] });
  assert.equal(outcome('windowsHostProcess', 'latest', pod), 'allowed');
});

test('windowsHostProcess: pod and containers that set hostProcess are forbidden', () => {
  const pod = spec({
    securityContext: { runAsNonRoot: true, windowsOptions: { hostProcess: true } },
    containers: [container('a', { windowsOptions: { hostProcess: true } }), container('b', { windowsOptions: { hostProcess: true } })],
  });
  assert.equal(outcome('windowsHostProcess', 'v1.0', pod),
    'hostProcess (pod and containers "a", "b" must not set securityContext.windowsOptions.hostProcess=true)');
});
