import { test } from 'node:test';
import assert from 'node:assert/strict';
import { container, outcome, spec } from '../support.js';

const probe = (action: Record<string, unknown>) => ({ periodSeconds: 10, ...action });

test('hostProbesAndHostLifecycle: in force from v1.34 only', () => {
  const pod = spec({ containers: [container('app', {}, { livenessProbe: probe({ httpGet: { host: '169.254.169.254', port: 80 } }) })] });
  assert.equal(outcome('hostProbesAndHostLifecycle', 'v1.33', pod), 'absent');
  assert.match(outcome('hostProbesAndHostLifecycle', 'v1.34', pod), /^probe or lifecycle host/);
});

test('hostProbesAndHostLifecycle: probes and hooks without a host are allowed', () => {
  const pod = spec({ containers: [container('app', {}, {
    readinessProbe: probe({ httpGet: { path: '/healthz', port: 8080, host: '' } }),
    startupProbe: probe({ tcpSocket: { port: 8080 } }),
    lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
  })] });
  assert.equal(outcome('hostProbesAndHostLifecycle', 'latest', pod), 'allowed');
});

test('hostProbesAndHostLifecycle: collects hosts from probes and lifecycle hooks, sorted and deduplicated', () => {
  const pod = spec({
    initContainers: [container('z-init', {}, { lifecycle: { postStart: { httpGet: { host: 'example.com', port: 80 } } } })],
    containers: [container('app', {}, {
      livenessProbe: probe({ tcpSocket: { host: '10.0.0.1', port: 22 } }),
      lifecycle: { preStop: { tcpSocket: { host: 'example.com', port: 80 } } },
    })],
    ephemeralContainers: [container('debug', {}, { startupProbe: probe({ httpGet: { host: '127.0.0.1', port: 1 } }) })],
  });
  assert.equal(outcome('hostProbesAndHostLifecycle', 'latest', pod),
    'probe or lifecycle host (containers "app", "debug", "z-init" use probe or lifecycle hosts "10.0.0.1", "127.0.0.1", "example.com")');
  const one = spec({ containers: [container('app', {}, { readinessProbe: probe({ httpGet: { host: 'x', port: 1 } }) })] });
  assert.equal(outcome('hostProbesAndHostLifecycle', 'latest', one),
    'probe or lifecycle host (container "app" uses probe or lifecycle host "x")');
});
