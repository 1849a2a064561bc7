import { test } from 'node:test';
import assert from 'node:assert/strict';
import { upstreamRequestHeaders, withoutHopByHop } from '../../src/proxy/header-hygiene.js';

function headersOf(raw: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < raw.length; i += 2) out[raw[i]!.toLowerCase()] = raw[i + 1]!;
  return out;
}

test('upstream headers: identity headers consumed or dropped, hop-by-hop removed, ours added', () => {
  const raw = [
    'Host', 'proxy.example', 'Authorization', 'Bearer client', 'Impersonate-User', 'admin', 'X-Remote-User', 'admin', 'X-Remote-Extra-Scopes', 'all',
    'X-Forwarded-For', '10.0.0.1', 'X-Forwarded-Host', 'evil', 'Forwarded', 'for=1.2.3.4', 'Connection', 'keep-alive, X-Secret', 'X-Secret', 's',
    'Keep-Alive', 'timeout=5', 'TE', 'trailers', 'Upgrade', 'h2c', 'Audit-ID', 'mine', 'X-Gatehouse-Justification', 'JIRA-1',
    'Accept', 'application/json', 'Accept', 'application/yaml', 'User-Agent', 'kubectl/v1.32', 'Content-Type', 'application/json',
  ];
  const out = upstreamRequestHeaders(raw, headersOf(raw), { clientAddress: '192.0.2.1', auditId: 'a-1', authorization: 'Bearer proxy', impersonation: { 'impersonate-user': 'jane' } });
  assert.deepEqual(out, {
    accept: ['application/json', 'application/yaml'],
    'user-agent': 'kubectl/v1.32',
    'content-type': 'application/json',
    'x-forwarded-for': '192.0.2.1',
    'audit-id': 'a-1',
    authorization: 'Bearer proxy',
    'impersonate-user': 'jane',
  });
});

test('without a proxy token (client certificate upstream) no Authorization is sent at all', () => {
  const raw = ['Authorization', 'Bearer client'];
  const out = upstreamRequestHeaders(raw, headersOf(raw), { clientAddress: '::1', auditId: 'x', impersonation: {} });
  assert.equal(out.authorization, undefined);
});

test('response headers pass except hop-by-hop ones and those the Connection header lists', () => {
  const upstream = {
    'content-type': 'application/json',
    'transfer-encoding': 'chunked',
    connection: 'close, X-Trace',
    'x-trace': 'hop',
    'keep-alive': 'timeout=5',
    'audit-id': 'u-1',
    warning: ['299 - "a"', '299 - "b"'],
  };
  assert.deepEqual(withoutHopByHop(upstream), { 'content-type': 'application/json', 'audit-id': 'u-1', warning: ['299 - "a"', '299 - "b"'] });
});

test('Expect is answered by the proxy and not passed on', () => {
  const raw = ['Expect', '100-continue', 'Content-Length', '10'];
  assert.deepEqual(upstreamRequestHeaders(raw, headersOf(raw), { clientAddress: '::1', auditId: 'x', impersonation: {} }), { 'content-length': '10', 'x-forwarded-for': '::1', 'audit-id': 'x' });
});
