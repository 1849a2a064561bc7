import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientResponseHeaders, upstreamRequestHeaders } from '../../src/proxy/header-hygiene.js';

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

test('response headers pass except hop-by-hop ones', () => {
  const raw = ['Content-Type', 'application/json', 'Transfer-Encoding', 'chunked', 'Connection', 'close', 'Audit-Id', 'u-1', 'Warning', '299 - "a"', 'Warning', '299 - "b"'];
  assert.deepEqual(clientResponseHeaders(raw, headersOf(raw)), { 'content-type': 'application/json', 'audit-id': 'u-1', warning: ['299 - "a"', '299 - "b"'] });
});
