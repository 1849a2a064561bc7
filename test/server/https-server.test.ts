import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tlsConnect } from 'node:tls';
import { request as httpsRequest } from 'node:https';
import { writeFileSync } from 'node:fs';
import { createTestTls, type TestTls } from '../support/tls.js';
import { createCertificateAuthority } from '../../src/tls/certificates.js';
import { startHttpsServer, type RunningServer } from '../../src/server/https-server.js';
import { createOperationsHandler } from '../../src/server/operations.js';
import { createMetricsRegistry } from '../../src/server/metrics.js';
import { createLogger } from '../../src/server/logger.js';
import { writeStatus } from '../../src/server/status.js';

const logger = createLogger({ name: 'test', level: 'silent' });

interface Reply {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

function get(server: RunningServer, tls: TestTls, path: string, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(`${server.url}${path}`, { method, ca: tls.ca, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Sends raw bytes over TLS and returns whatever the server answers before closing. */
function raw(server: RunningServer, tls: TestTls, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port: server.port, ca: tls.ca, servername: 'localhost' }, () => socket.write(bytes));
    let out = '';
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => (out += c));
    socket.on('end', () => resolve(out));
    socket.on('error', reject);
  });
}

function servedFingerprint(server: RunningServer, trusted: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port: server.port, ca: trusted, servername: 'localhost' }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.end();
    });
    socket.on('error', reject);
  });
}

async function withServer(fn: (server: RunningServer, tls: TestTls, state: { ready: boolean; received: number }) => Promise<void>): Promise<void> {
  const tls = await createTestTls();
  const state = { ready: false, received: 0 };
  const operations = createOperationsHandler({ registry: createMetricsRegistry(), checks: { issuers: () => ({ ok: state.ready, message: 'keys not loaded' }) } });
  const server = await startHttpsServer({
    host: '127.0.0.1',
    port: 0,
    tls: { certFile: tls.serverCertFile, keyFile: tls.serverKeyFile },
    logger,
    operations,
    maxHeaderBytes: 4096,
    onRequest: (req, res) => {
      state.received++;
      if (req.url === '/slow') {
        setTimeout(() => res.end('finished'), 300);
        return;
      }
      if (req.url === '/stream') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"type":"ADDED"}\n');
        const untrack = server.trackStream(() => res.end());
        res.on('close', untrack);
        return;
      }
      writeStatus(res, 404, 'NotFound', `no handler for ${req.url}`);
    },
  });
  try {
    await fn(server, tls, state);
  } finally {
    await server.shutdown(1000);
    tls.cleanup();
  }
}

test('operational endpoints: healthz, readyz with checks, metrics', async () => {
  await withServer(async (server, tls, state) => {
    assert.equal((await get(server, tls, '/healthz')).body, 'ok\n');
    const notReady = await get(server, tls, '/readyz?verbose');
    assert.equal(notReady.status, 503);
    assert.match(notReady.body, /\[-\]issuers failed: keys not loaded/);
    state.ready = true;
    assert.equal((await get(server, tls, '/readyz')).status, 200);
    const metrics = await get(server, tls, '/metrics');
    assert.equal(metrics.status, 200);
    assert.match(metrics.body, /process_cpu_user_seconds_total/);
    assert.equal((await get(server, tls, '/healthz', 'POST')).status, 405);
  });
});

test('application errors are Kubernetes Status objects', async () => {
  await withServer(async (server, tls) => {
    const reply = await get(server, tls, '/nothing');
    assert.equal(reply.status, 404);
    assert.deepEqual(JSON.parse(reply.body), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'no handler for /nothing',
      reason: 'NotFound',
      code: 404,
    });
  });
});

test('malformed requests are refused before any handler runs', async () => {
  await withServer(async (server, tls) => {
    const smuggled = await raw(server, tls, 'POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n');
    assert.match(smuggled, /^HTTP\/1.1 400 /);
    const bareLf = await raw(server, tls, 'GET /x HTTP/1.1\r\nHost: a\r\nX-A: b\rInjected: c\r\n\r\n');
    assert.match(bareLf, /^HTTP\/1.1 400 /);
    const huge = await raw(server, tls, `GET /x HTTP/1.1\r\nHost: a\r\nX-Big: ${'a'.repeat(8000)}\r\n\r\n`);
    assert.match(huge, /^HTTP\/1.1 431 /);
    assert.match(huge, /"kind":"Status"/);
  });
});

test('certificate reload: a valid new pair is served, an invalid one is ignored', async () => {
  await withServer(async (server, tls) => {
    // The new pair comes from another CA, so the check trusts both.
    const otherCa = await createCertificateAuthority('Other CA', 1);
    const next = await otherCa.issue({ commonName: 'localhost', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    const trustBoth = [tls.ca, otherCa.cert];
    const before = await servedFingerprint(server, trustBoth);
    // A key that does not match the certificate must not replace the working pair.
    writeFileSync(tls.serverCertFile, next.cert);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(await servedFingerprint(server, trustBoth), before);
    writeFileSync(tls.serverKeyFile, next.key);
    let after = before;
    for (let i = 0; i < 50 && after === before; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await servedFingerprint(server, trustBoth);
    }
    assert.notEqual(after, before);
  });
});

test('graceful shutdown: in-flight requests finish, long-lived streams close cleanly, new connections are refused', async () => {
  await withServer(async (server, tls, state) => {
    const slow = get(server, tls, '/slow');
    const stream = get(server, tls, '/stream');
    // Shut down only once both requests are being handled (a connection still sending its request is idle).
    for (let i = 0; i < 200 && state.received < 2; i++) await new Promise((r) => setTimeout(r, 10));
    const done = server.shutdown(5000);
    const [slowReply, streamReply] = await Promise.all([slow, stream]);
    await done;
    assert.equal(slowReply.body, 'finished');
    assert.equal(streamReply.body, '{"type":"ADDED"}\n');
    await assert.rejects(get(server, tls, '/healthz'));
  });
});
