// Slow and abusive clients: a head that never completes (slowloris), a body that stalls or trickles forever, and
// more connections than the proxy accepts. Each is bounded: the client gets a Status and the connection closes.
// The loops below are bounded; the deadlines are far below the loops' total length.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { refusalMargin } from '../../src/server/https-server.js';
import { startHarness, type Harness } from './support/proxy-harness.js';

const CONFIGMAPS = '/api/v1/namespaces/default/configmaps';

async function withHarness(limits: Record<string, number>, fn: (h: Harness) => Promise<void>): Promise<void> {
  const h = await startHarness({ config: { limits } });
  try {
    await fn(h);
  } finally {
    await h.close();
  }
}

interface Connection {
  socket: TLSSocket;
  /** Everything received so far. */
  received(): string;
  closed: Promise<void>;
  isClosed(): boolean;
}

function connect(h: Harness): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port: Number(new URL(h.proxy.url).port), ca: h.tls.ca, servername: 'localhost' });
    let out = '';
    let ended = false;
    socket.setEncoding('latin1');
    socket.on('data', (c: string) => (out += c));
    const closed = new Promise<void>((done) => socket.once('close', () => ((ended = true), done())));
    socket.on('error', () => {});
    socket.once('secureConnect', () => resolve({ socket, received: () => out, closed, isClosed: () => ended }));
    socket.once('error', reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Writes `pieces` one every `intervalMs` until they run out or the server closes the connection. */
async function trickle(conn: Connection, pieces: string[], intervalMs: number): Promise<number> {
  let sent = 0;
  for (const piece of pieces) {
    if (conn.isClosed()) break;
    conn.socket.write(piece);
    sent++;
    await sleep(intervalMs);
  }
  return sent;
}

function statusOf(response: string): { code: number; body: Record<string, unknown> } {
  const code = Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0);
  const body = response.slice(response.indexOf('\r\n\r\n') + 4);
  return { code, body: body.startsWith('{') ? (JSON.parse(body) as Record<string, unknown>) : {} };
}

test('slowloris: a request head that never completes gets 408 and the connection is closed', async () => {
  await withHarness({ requestHeadersTimeoutSeconds: 1, requestTimeoutSeconds: 2 }, async (h) => {
    const conn = await connect(h);
    const headerLines = Array.from({ length: 40 }, (_, i) => `X-Slow-${i}: ${'a'.repeat(8)}\r\n`);
    const sent = await trickle(conn, [`GET ${CONFIGMAPS} HTTP/1.1\r\nHost: localhost\r\n`, ...headerLines], 200);
    await conn.closed;
    assert.ok(sent < 41, 'the server closed the connection before the client ran out of header lines');
    const { code, body } = statusOf(conn.received());
    assert.equal(code, 408);
    assert.equal(body.reason, 'Timeout');
    assert.match(String(body.message), /not received in time \(head within 1s/);
    assert.equal(h.upstream.seen.length, 0, 'nothing reached the upstream');
  });
});

test('a connection that never sends a request is closed after the head timeout', async () => {
  await withHarness({ requestHeadersTimeoutSeconds: 1, requestTimeoutSeconds: 1 }, async (h) => {
    const conn = await connect(h);
    for (let i = 0; i < 50 && !conn.isClosed(); i++) await sleep(100);
    assert.ok(conn.isClosed(), 'the idle connection was closed');
  });
});

test('a request body that stalls gets 408, the upstream request is abandoned and the connection closed', async () => {
  await withHarness({ requestBodyIdleTimeoutSeconds: 1, requestTimeoutSeconds: 30 }, async (h) => {
    const token = await h.humanToken();
    const conn = await connect(h);
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'stalled' }, data: { k: 'v' } });
    conn.socket.write(`POST ${CONFIGMAPS} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`);
    for (let i = 0; i < 50 && !conn.isClosed(); i++) await sleep(100);
    assert.ok(conn.isClosed(), 'the connection was closed');
    const { code, body: status } = statusOf(conn.received());
    assert.equal(code, 408);
    assert.match(String(status.message), /request body stalled: no data for 1s/);
    assert.match(conn.received(), /\r\nConnection: close\r\n/i);
    assert.equal(h.upstream.objects('configmaps').length, 0, 'the half-sent object was not created');
    const auditedCode = (e: Record<string, unknown> | undefined) => (e?.responseStatus as { code: number } | undefined)?.code;
    const events = await h.auditEvents((all) => all.some((e) => auditedCode(e) === 408));
    assert.equal(auditedCode(events.at(-1)), 408, 'the last request audited is the refused one');
  });
});

test('a body that keeps trickling within the idle timeout still ends at the request deadline', async () => {
  await withHarness({ requestHeadersTimeoutSeconds: 1, requestTimeoutSeconds: 2, requestBodyIdleTimeoutSeconds: 1 }, async (h) => {
    const token = await h.humanToken();
    const conn = await connect(h);
    conn.socket.write(`POST ${CONFIGMAPS} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n`);
    const sent = await trickle(conn, Array.from({ length: 60 }, () => ' '), 200);
    await conn.closed;
    assert.ok(sent < 60, 'the server closed the connection before the client ran out of bytes');
    const { code, body } = statusOf(conn.received());
    assert.equal(code, 408);
    assert.match(String(body.message), /whole request within 2s/);
    assert.equal(h.upstream.objects('configmaps').length, 0);
  });
});

test('a slow but steady body within the limits goes through', async () => {
  await withHarness({ requestBodyIdleTimeoutSeconds: 2 }, async (h) => {
    const token = await h.humanToken();
    const conn = await connect(h);
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'steady' }, data: { k: 'v' } });
    conn.socket.write(`POST ${CONFIGMAPS} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`);
    await trickle(conn, body.match(/.{1,20}/g)!, 100);
    await conn.closed;
    assert.equal(statusOf(conn.received()).code, 201);
    assert.equal(h.upstream.objects('configmaps').length, 1);
  });
});

test('connections beyond maxConnections get a 429 Status with Retry-After; capacity returns when one closes', async () => {
  const max = 3;
  await withHarness({ maxConnections: max }, async (h) => {
    const token = await h.humanToken();
    const request = `GET ${CONFIGMAPS} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${token}\r\n\r\n`;
    const held: Connection[] = [];
    for (let i = 0; i < max; i++) held.push(await connect(h));
    const extra = await connect(h);
    extra.socket.write(request);
    await extra.closed;
    const refused = statusOf(extra.received());
    assert.equal(refused.code, 429);
    assert.equal(refused.body.reason, 'TooManyRequests');
    assert.match(String(refused.body.message), /at most 3/);
    assert.match(extra.received(), /\r\nRetry-After: 1\r\n/i);

    // The held connections are served normally.
    held[0]!.socket.write(request);
    for (let i = 0; i < 50 && !held[0]!.received().includes('\r\n\r\n'); i++) await sleep(50);
    assert.equal(statusOf(held[0]!.received()).code, 200);

    held[1]!.socket.destroy();
    await held[1]!.closed;
    await sleep(100);
    const next = await connect(h);
    next.socket.write(request.replace('\r\n\r\n', '\r\nConnection: close\r\n\r\n'));
    await next.closed;
    assert.equal(statusOf(next.received()).code, 200);
    for (const c of held) c.socket.destroy();
  });
});

test('a connection flood past the refusal margin is dropped without a TLS handshake', async () => {
  const max = 2;
  await withHarness({ maxConnections: max }, async (h) => {
    const port = Number(new URL(h.proxy.url).port);
    const open: TLSSocket[] = [];
    const outcomes: Array<'secure' | 'dropped'> = [];
    for (let i = 0; i < max + refusalMargin(max) + 4; i++) {
      outcomes.push(
        await new Promise((resolve) => {
          const socket = tlsConnect({ host: '127.0.0.1', port, ca: h.tls.ca, servername: 'localhost' });
          open.push(socket);
          socket.once('secureConnect', () => resolve('secure'));
          socket.once('error', () => resolve('dropped'));
          socket.once('close', () => resolve('dropped'));
        }),
      );
    }
    assert.equal(outcomes.filter((o) => o === 'secure').length, max + refusalMargin(max));
    assert.ok(outcomes.slice(max + refusalMargin(max)).every((o) => o === 'dropped'));
    for (const socket of open) socket.destroy();
  });
});
