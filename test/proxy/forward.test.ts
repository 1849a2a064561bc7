// forwardRequest against a scripted HTTPS upstream: what the upstream sees when a body is refused or a client
// leaves, that streamed answers are relayed chunk by chunk, and that the upstream's certificate is verified.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { forwardRequest, type ForwardOutcome } from '../../src/proxy/forward.js';
import { createUpstream, type Upstream } from '../../src/proxy/upstream.js';
import { createLogger } from '../../src/server/logger.js';
import { createTestTls, type TestTls } from '../support/tls.js';

const MAX_BODY = 4096;
const logger = createLogger({ name: 'forward-test', level: 'silent' });

/** What the upstream saw of one request. */
interface Seen {
  url: string;
  headers: IncomingMessage['headers'];
  bytes: number;
  /** The body ended as a complete HTTP message. */
  complete: boolean;
  /** The connection went away before the message was complete. */
  aborted: Promise<boolean>;
}

let tls: TestTls;
let otherTls: TestTls;
let upstreamUrl: string;
let upstreamServer: ReturnType<typeof createHttpsServer>;
const seen: Seen[] = [];
let answer: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end('ok');

before(async () => {
  tls = await createTestTls();
  otherTls = await createTestTls();
  upstreamServer = createHttpsServer({ cert: tls.server.cert, key: tls.server.key }, (req, res) => {
    let done!: (aborted: boolean) => void;
    const entry: Seen = { url: req.url ?? '', headers: req.headers, bytes: 0, complete: false, aborted: new Promise((r) => (done = r)) };
    seen.push(entry);
    req.on('data', (chunk: Buffer) => (entry.bytes += chunk.length));
    req.on('end', () => {
      entry.complete = true;
      done(false);
    });
    req.on('close', () => done(!req.complete));
    answer(req, res);
  });
  await new Promise<void>((r) => upstreamServer.listen(0, '127.0.0.1', r));
  upstreamUrl = `https://127.0.0.1:${(upstreamServer.address() as AddressInfo).port}`;
});

after(async () => {
  upstreamServer.closeAllConnections();
  await new Promise((r) => upstreamServer.close(r));
  tls.cleanup();
  otherTls.cleanup();
});

/** A plain HTTP front that forwards every request; resolves each exchange's outcome in order. */
async function withProxy(ca: string, fn: (url: string, outcomes: Promise<ForwardOutcome>[]) => Promise<void>): Promise<void> {
  const upstream: Upstream = createUpstream({ url: upstreamUrl, ca: Buffer.from(ca), credential: { type: 'token', token: 'proxy-token' } }, logger);
  const outcomes: Promise<ForwardOutcome>[] = [];
  const front = createHttpServer((req, res) => {
    outcomes.push(
      forwardRequest(req, res, {
        auditId: 'audit-1',
        upstream,
        headers: { authorization: upstream.authorization()!, ...(req.headers['content-length'] ? { 'content-length': req.headers['content-length'] } : {}) },
        maxBodyBytes: MAX_BODY,
        bodyIdleTimeoutMs: 5000,
        responseHeaderTimeoutMs: 5000,
      }),
    );
  });
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
  try {
    await fn(`http://127.0.0.1:${(front.address() as AddressInfo).port}`, outcomes);
  } finally {
    front.closeAllConnections();
    await new Promise((r) => front.close(r));
    await upstream.close();
  }
}

function collect(res: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    res.on('data', (c: Buffer) => (body += c.toString()));
    res.on('end', () => resolve(body));
    res.on('error', () => resolve(body));
  });
}

test('a chunked body over the limit: the client gets a 413 Status and the upstream request is aborted, never completed', async () => {
  seen.length = 0;
  answer = () => {}; // the upstream reads the body and never answers on its own
  await withProxy(tls.ca, async (url, outcomes) => {
    const reply = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(`${url}/api/v1/namespaces/default/configmaps`, { method: 'POST', headers: { 'transfer-encoding': 'chunked' } }, async (res) => {
        resolve({ status: res.statusCode ?? 0, body: await collect(res) });
      });
      req.on('error', reject);
      // The first part reaches the upstream before the limit is crossed.
      req.write('a'.repeat(3000));
      const more = () => {
        if (seen[0] && seen[0].bytes >= 3000) {
          req.write('b'.repeat(3000));
          req.end();
        } else setTimeout(more, 10);
      };
      more();
    });
    assert.equal(reply.status, 413);
    assert.ok(reply.body.length > 0);
    const status = JSON.parse(reply.body) as { kind: string; reason: string; message: string };
    assert.equal(status.kind, 'Status');
    assert.equal(status.reason, 'RequestEntityTooLarge');
    assert.match(status.message, /larger than 4096 bytes/);
    assert.equal(await seen[0]!.aborted, true, 'the upstream saw its request broken off');
    assert.equal(seen[0]!.complete, false, 'the upstream never saw a complete body');
    assert.ok(seen[0]!.bytes <= MAX_BODY);
    assert.equal((await outcomes[0]!).code, 413);
  });
});

test('a declared length over the limit is refused before anything is sent upstream', async () => {
  seen.length = 0;
  answer = (_req, res) => res.end('ok');
  await withProxy(tls.ca, async (url) => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${url}/api/v1/namespaces/default/configmaps`, { method: 'POST', headers: { 'content-length': String(MAX_BODY + 1) } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end('x'.repeat(MAX_BODY + 1));
    });
    assert.equal(status, 413);
    assert.equal(seen.length, 0);
  });
});

test('a body within the limit arrives whole, with its length', async () => {
  seen.length = 0;
  answer = (req, res) => req.on('end', () => res.end('created')).resume();
  await withProxy(tls.ca, async (url) => {
    const body = await new Promise<string>((resolve, reject) => {
      const req = httpRequest(`${url}/api/v1/namespaces/default/configmaps`, { method: 'POST', headers: { 'content-length': '4096' } }, async (res) => resolve(await collect(res)));
      req.on('error', reject);
      req.end('z'.repeat(4096));
    });
    assert.equal(body, 'created');
    assert.equal(seen[0]!.bytes, 4096);
    assert.equal(seen[0]!.complete, true);
    assert.equal(seen[0]!.headers.authorization, 'Bearer proxy-token');
  });
});

test('a streamed answer reaches the client chunk by chunk, before the upstream ends it', async () => {
  seen.length = 0;
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  answer = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', connection: 'keep-alive, x-hop', 'x-hop': 'secret' });
    res.write('{"type":"ADDED"}\n');
    void finished.then(() => res.end('{"type":"DELETED"}\n'));
  };
  await withProxy(tls.ca, async (url) => {
    await new Promise<void>((resolve, reject) => {
      httpRequest(`${url}/api/v1/pods?watch=1`, (res) => {
        assert.equal(res.headers['x-hop'], undefined, 'headers the upstream named in Connection are not relayed');
        assert.equal(res.headers['content-type'], 'application/json');
        assert.equal(res.headers['audit-id'], 'audit-1', "the proxy's audit ID, as the API server sends its own");
        let received = '';
        res.on('data', (chunk: Buffer) => {
          received += chunk.toString();
          if (received === '{"type":"ADDED"}\n') finish(); // only now may the upstream end the stream
        });
        res.on('end', () => {
          assert.equal(received, '{"type":"ADDED"}\n{"type":"DELETED"}\n');
          resolve();
        });
      })
        .on('error', reject)
        .end();
    });
  });
});

test('a client that leaves mid-stream tears down the upstream request', async () => {
  seen.length = 0;
  let upstreamCut!: (cut: boolean) => void;
  const cut = new Promise<boolean>((r) => (upstreamCut = r));
  answer = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"type":"ADDED"}\n');
    res.on('close', () => upstreamCut(!res.writableFinished));
  };
  await withProxy(tls.ca, async (url, outcomes) => {
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(`${url}/api/v1/pods?watch=1`, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => {});
      req.on('close', () => resolve());
      req.setTimeout(5000, () => reject(new Error('no data')));
      req.end();
    });
    assert.equal(await cut, true, 'the upstream watch was closed before it ended');
    assert.equal((await outcomes[0]!).error, 'client disconnected');
  });
});

test('an upstream whose certificate the configured CA did not sign is never talked to: 502', async () => {
  seen.length = 0;
  answer = (_req, res) => res.end('ok');
  await withProxy(otherTls.ca, async (url) => {
    const reply = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      httpRequest(`${url}/api/v1/pods`, async (res) => resolve({ status: res.statusCode ?? 0, body: await collect(res) }))
        .on('error', reject)
        .end();
    });
    assert.equal(reply.status, 502);
    assert.match((JSON.parse(reply.body) as { message: string }).message, /unreachable \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\)/);
    assert.equal(seen.length, 0);
  });
});
