import { test } from 'node:test';
import assert from 'node:assert/strict';
import { container, outcome, spec } from '../support.js';

test('hostPorts: allowed with container ports only or hostPort 0', () => {
  const pod = spec({ containers: [container('app', {}, { ports: [{ containerPort: 8080 }, { containerPort: 9090, hostPort: 0 }] })] });
  assert.equal(outcome('hostPorts', 'latest', pod), 'allowed');
});

test('hostPorts: lists containers and the distinct ports, sorted as text like PSA', () => {
  const pod = spec({
    initContainers: [container('init', {}, { ports: [{ containerPort: 1, hostPort: 10000 }] })],
    containers: [container('app', {}, { ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81, hostPort: 8080 }] })],
  });
  assert.equal(outcome('hostPorts', 'latest', pod), 'hostPort (containers "init", "app" use hostPorts 10000, 8080)');
  const one = spec({ containers: [container('app', {}, { ports: [{ containerPort: 80, hostPort: 80 }] })] });
  assert.equal(outcome('hostPorts', 'v1.0', one), 'hostPort (container "app" uses hostPort 80)');
});
