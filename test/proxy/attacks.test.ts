// Attacks on the proxy's door: each is refused with a Status and never reaches the upstream.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { KUBECTL, startHarness, type Harness } from './support/proxy-harness.js';

let h: Harness;
before(async () => {
  h = await startHarness({ config: { limits: { maxRequestBodyBytes: 4096 } } });
});
after(async () => {
  await h.close();
});

/** Runs `attempt` and asserts the upstream saw no request while it ran. */
async function neverForwarded<T>(attempt: () => Promise<T>): Promise<T> {
  const before = h.upstream.seen.length;
  const result = await attempt();
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(h.upstream.seen.slice(before).map((r) => `${r.method} ${r.url}`), [], 'the upstream saw nothing');
  return result;
}

function status(body: string): { kind: string; code: number; reason: string; message: string } {
  return JSON.parse(body) as { kind: string; code: number; reason: string; message: string };
}

test('no token: 401 Status, nothing forwarded', async () => {
  const reply = await neverForwarded(() => h.request('/api/v1/namespaces/default/pods'));
  assert.equal(reply.status, 401);
  assert.deepEqual({ ...status(reply.body), message: undefined }, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Unauthorized', code: 401, message: undefined });
});

test('bad tokens: wrong scheme, tampered, expired, wrong audience, several Authorization headers', async () => {
  const good = await h.humanToken();
  const [header, payload, signature] = good.split('.');
  const tampered = `${header}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), email: 'admin@example.com' })).toString('base64url')}.${signature}`;
  const expired = await h.issuer.issue({ sub: 'x', email: 'x@example.com', aud: 'gatehouse', exp: Math.floor(Date.now() / 1000) - 3600 });
  const wrongAudience = await h.humanToken({ aud: 'someone-else' });
  for (const headers of [
    { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
    { authorization: `Bearer ${tampered}` },
    { authorization: `Bearer ${expired}` },
    { authorization: `Bearer ${wrongAudience}` },
    { authorization: [`Bearer ${good}`, `Bearer ${good}`] },
  ]) {
    const reply = await neverForwarded(() => h.request('/api/v1/pods', { headers }));
    assert.equal(reply.status, 401, JSON.stringify(headers).slice(0, 80));
    assert.equal(status(reply.body).reason, 'Unauthorized');
    assert.ok(!reply.body.includes(good.slice(-20)) && !reply.body.includes(tampered.slice(-20)), 'the token is not echoed');
  }
});

test('client Impersonate-* headers in any casing are refused with 403', async () => {
  const token = await h.humanToken();
  for (const [name, value] of [
    ['Impersonate-User', 'admin'],
    ['IMPERSONATE-USER', 'admin'],
    ['impersonate-group', 'system:masters'],
    ['Impersonate-Uid', '0'],
    ['Impersonate-Extra-Scopes', 'all'],
    ['iMpErSoNaTe-ExTrA-gatehouse.dev%2Fjustification', 'JIRA-1'],
  ]) {
    const reply = await neverForwarded(() => h.request('/api/v1/pods', { token, headers: { [name!]: value! } }));
    assert.equal(reply.status, 403, name);
    const s = status(reply.body);
    assert.equal(s.reason, 'Forbidden');
    assert.match(s.message, /impersonation headers from clients are not accepted/);
    assert.match(s.message, new RegExp(name!.toLowerCase().replace(/[.%]/g, '\\$&')));
  }
});

test('kubectl --as is refused with a readable error', { skip: existsSync(KUBECTL) ? false : 'no kubectl' }, async () => {
  const token = await h.humanToken();
  const result = await neverForwarded(() => h.kubectl(token, ['get', 'pods', '--as', 'admin']));
  assert.notEqual(result.code, 0);
  // kubectl's discovery client prints 403s on discovery as "unknown"; the Status itself carries the reason.
  assert.match(result.stderr, /Error from server \(Forbidden\)/);
  const raw = await neverForwarded(() => h.kubectl(token, ['get', '--raw', '/api/v1/namespaces/default/configmaps', '--as', 'admin', '--as-group', 'system:masters']));
  assert.match(raw.stderr, /Error from server \(Forbidden\): impersonation headers from clients are not accepted \(impersonate-group, impersonate-user\)/);
});

test('CRLF and bare CR in header values are refused by the parser', async () => {
  const token = await h.humanToken();
  for (const bytes of [
    `GET /api/v1/pods HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nX-A: a\rImpersonate-User: admin\r\n\r\n`,
    `GET /api/v1/pods HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nX-A: a\nImpersonate-User: admin\r\n\r\n`,
    `GET /api/v1/pods HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nX-A: a\u0000b\r\n\r\n`,
  ]) {
    const answer = await neverForwarded(() => h.raw(bytes));
    assert.match(answer, /^HTTP\/1\.1 (400|403) /, JSON.stringify(bytes.slice(-40)));
  }
});

test('Content-Length + Transfer-Encoding smuggling is refused', async () => {
  const token = await h.humanToken();
  const smuggled =
    `POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\n` +
    `Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /api/v1/secrets HTTP/1.1\r\nHost: x\r\n\r\n`;
  const answer = await neverForwarded(() => h.raw(smuggled));
  assert.match(answer, /^HTTP\/1\.1 400 /);
  assert.doesNotMatch(answer, /HTTP\/1\.1 200/);
  const doubleLength = `POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Length: 2\r\nContent-Length: 40\r\n\r\n{}`;
  assert.match(await neverForwarded(() => h.raw(doubleLength)), /^HTTP\/1\.1 400 /);
});

test('oversized request heads get 431', async () => {
  const answer = await neverForwarded(() => h.raw(`GET /api/v1/pods HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(40 * 1024)}\r\n\r\n`));
  assert.match(answer, /^HTTP\/1\.1 431 /);
});

test('upgrades to anything but websocket or SPDY/3.1 are refused', async () => {
  const token = await h.humanToken();
  for (const upgrade of ['h2c', 'foo/1.0', 'websocket, h2c', 'TLS/1.0']) {
    const answer = await neverForwarded(() =>
      h.raw(`GET /api/v1/namespaces/default/pods/shell/exec?command=ls HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nConnection: Upgrade\r\nUpgrade: ${upgrade}\r\n\r\n`),
    );
    assert.match(answer, /^HTTP\/1\.1 400 /, upgrade);
    assert.match(answer, /upgrade/i);
  }
});

test('websocket upgrades without a token are refused before reaching the upstream', async () => {
  const answer = await neverForwarded(() =>
    h.raw('GET /api/v1/namespaces/default/pods/shell/exec?command=ls HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: v5.channel.k8s.io\r\n\r\n'),
  );
  assert.match(answer, /^HTTP\/1\.1 401 /);
});

test('oversized bodies: a declared length is refused before forwarding; a chunked body is cut off', async () => {
  const token = await h.humanToken();
  const big = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { x: 'a'.repeat(10_000) } });
  const declared = await neverForwarded(() => h.request('/api/v1/namespaces/default/configmaps', { token, method: 'POST', body: big, headers: { 'content-type': 'application/json' } }));
  assert.equal(declared.status, 413);
  assert.equal(status(declared.body).reason, 'RequestEntityTooLarge');
  const chunkedHead = `POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`;
  const chunks = Array.from({ length: 5 }, () => `800\r\n${'a'.repeat(0x800)}\r\n`).join('');
  const answer = await h.raw(`${chunkedHead}${chunks}0\r\n\r\n`);
  assert.match(answer, /^HTTP\/1\.1 413 /);
  assert.equal(h.upstream.objects('configmaps').filter((o) => (o.metadata as { name: string }).name === 'big').length, 0);
});

test('client identity headers are dropped or replaced; the upstream gets the proxy credential', async () => {
  const token = await h.humanToken();
  const reply = await h.request('/api/v1/namespaces/default/configmaps', {
    token,
    headers: { 'X-Remote-User': 'admin', 'X-Remote-Group': 'system:masters', 'X-Forwarded-For': '10.9.9.9', Forwarded: 'for=10.9.9.9', 'Audit-ID': 'client-chosen', 'Proxy-Authorization': 'Basic x' },
  });
  assert.equal(reply.status, 200);
  const seen = h.upstream.seen.at(-1)!;
  assert.equal(seen.headers['x-remote-user'], undefined);
  assert.equal(seen.headers['x-remote-group'], undefined);
  assert.equal(seen.headers.forwarded, undefined);
  assert.equal(seen.headers['proxy-authorization'], undefined);
  assert.equal(seen.headers['x-forwarded-for'], '127.0.0.1');
  assert.notEqual(seen.headers['audit-id'], 'client-chosen');
  assert.equal(seen.headers['audit-id'], reply.headers['audit-id']);
  assert.equal(seen.headers.authorization, 'Bearer proxy-service-account-token');
  assert.equal(seen.headers['impersonate-user'], 'jane@example.com');
});

test('identities that cannot travel safely in headers are refused, not trimmed', async () => {
  const token = await h.humanToken({ email: ' admin@example.com' });
  const reply = await neverForwarded(() => h.request('/api/v1/pods', { token }));
  assert.ok(reply.status === 401 || reply.status === 403, `got ${reply.status}`);
});
