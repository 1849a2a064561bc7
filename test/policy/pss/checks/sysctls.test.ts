import { test } from 'node:test';
import assert from 'node:assert/strict';
import { outcome, spec } from '../support.js';

const withSysctls = (...names: string[]) =>
  spec({ securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, sysctls: names.map((name) => ({ name, value: '1' })) } });

test('sysctls: the v1.0 safe set is allowed at every version', () => {
  assert.equal(outcome('sysctls', 'v1.0', withSysctls('kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range',
    'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start')), 'allowed');
});

test('sysctls: unsafe names are listed in order, with repeats, unquoted', () => {
  assert.equal(outcome('sysctls', 'latest', withSysctls('net.core.somaxconn', 'kernel.msgmax', 'net.core.somaxconn')),
    'forbidden sysctls (net.core.somaxconn, kernel.msgmax, net.core.somaxconn)');
});

test('sysctls: the safe set grows at v1.27, v1.29, v1.32 and v1.37', () => {
  const boundaries: [string, 'v1.26' | 'v1.28' | 'v1.31' | 'v1.36', 'v1.27' | 'v1.29' | 'v1.32' | 'v1.37'][] = [
    ['net.ipv4.ip_local_reserved_ports', 'v1.26', 'v1.27'],
    ['net.ipv4.tcp_keepalive_time', 'v1.28', 'v1.29'],
    ['net.ipv4.tcp_fin_timeout', 'v1.28', 'v1.29'],
    ['net.ipv4.tcp_keepalive_intvl', 'v1.28', 'v1.29'],
    ['net.ipv4.tcp_keepalive_probes', 'v1.28', 'v1.29'],
    ['net.ipv4.tcp_rmem', 'v1.31', 'v1.32'],
    ['net.ipv4.tcp_wmem', 'v1.31', 'v1.32'],
    ['net.ipv4.tcp_slow_start_after_idle', 'v1.36', 'v1.37'],
    ['net.ipv4.tcp_notsent_lowat', 'v1.36', 'v1.37'],
  ];
  for (const [name, before, from] of boundaries) {
    assert.equal(outcome('sysctls', before, withSysctls(name)), `forbidden sysctls (${name})`, `${name} at ${before}`);
    assert.equal(outcome('sysctls', from, withSysctls(name)), 'allowed', `${name} at ${from}`);
    assert.equal(outcome('sysctls', 'latest', withSysctls(name)), 'allowed', `${name} at latest`);
  }
});
