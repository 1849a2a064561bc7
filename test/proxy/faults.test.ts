// Faults around the proxy: the upstream down, slow or going away mid-stream, the issuer unreachable after start,
// and shutdown with streams open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpsRequest } from 'node:https';
import { WebSocket } from 'ws';
import { startHarness, type Harness } from './support/proxy-harness.js';

async function withHarness(fn: (h: Harness) => Promise<void>, config: Record<string, unknown> = {}): Promise<void> {
  const h = await startHarness({ config });
  try {
    await fn(h);
  } finally {
    await h.close();
  }
}

function readyz(h: Harness): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    httpsRequest(`${h.proxy.operationsUrl}/readyz?verbose`, { ca: h.tls.ca, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

test('upstream down: 502 Status, then recovery when it returns', async () => {
  await withHarness(async (h) => {
    const token = await h.humanToken();
    await h.upstream.stop();
    const down = await h.request('/api/v1/namespaces/default/configmaps', { token });
    assert.equal(down.status, 502);
    const status = JSON.parse(down.body) as { kind: string; reason: string; message: string };
    assert.equal(status.kind, 'Status');
    assert.equal(status.reason, 'ServiceUnavailable');
    assert.match(status.message, /upstream API server is unreachable \(ECONNREFUSED\)/);
    await h.upstream.start();
    const back = await h.request('/api/v1/namespaces/default/configmaps', { token });
    assert.equal(back.status, 200);
  });
});

test('upstream slow: 504 Status after the response timeout', async () => {
  await withHarness(
    async (h) => {
      const token = await h.humanToken();
      h.upstream.setMode('slow', 2500);
      const slow = await h.request('/api/v1/namespaces/default/configmaps', { token });
      assert.equal(slow.status, 504);
      const status = JSON.parse(slow.body) as { reason: string; message: string };
      assert.equal(status.reason, 'Timeout');
      assert.match(status.message, /did not answer within 1s/);
      h.upstream.setMode('ok');
      assert.equal((await h.request('/api/v1/namespaces/default/configmaps', { token })).status, 200);
      const timedOut = (e: Record<string, unknown>) => (e.responseStatus as { code: number }).code === 504;
      assert.ok((await h.auditEvents((events) => events.some(timedOut))).some(timedOut));
    },
    { limits: { upstreamResponseTimeoutSeconds: 1 } },
  );
});

test('issuer unreachable after start: cached keys keep serving and readiness stays up', async () => {
  await withHarness(async (h) => {
    assert.equal((await readyz(h)).status, 200);
    h.issuer.setMode('unreachable');
    const token = await h.humanToken({ email: 'later@example.com' });
    const reply = await h.request('/api/v1/namespaces/default/configmaps', { token });
    assert.equal(reply.status, 200);
    const ready = await readyz(h);
    assert.equal(ready.status, 200, ready.body);
  });
});

test('shutdown: open watches end cleanly and the upstream watch closes', async () => {
  const h = await startHarness();
  try {
    const token = await h.humanToken();
    const watch = new Promise<{ status: number; body: string; complete: boolean }>((resolve, reject) => {
      const req = httpsRequest(`${h.proxy.url}/api/v1/namespaces/default/configmaps?watch=1`, { ca: h.tls.ca, agent: false, headers: { authorization: `Bearer ${token}` } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, complete: res.complete }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
    for (let i = 0; i < 100 && h.upstream.openWatches() === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(h.upstream.openWatches(), 1);
    await h.proxy.shutdown();
    const result = await watch;
    assert.equal(result.status, 200);
    assert.equal(result.complete, true, 'the chunked watch body was terminated, not cut');
    for (let i = 0; i < 100 && h.upstream.openWatches() > 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(h.upstream.openWatches(), 0);
  } finally {
    await h.close();
  }
});

test('client disconnect mid-watch closes the upstream watch', async () => {
  await withHarness(async (h) => {
    const token = await h.humanToken();
    const req = httpsRequest(`${h.proxy.url}/api/v1/namespaces/default/configmaps?watch=true`, { ca: h.tls.ca, agent: false, headers: { authorization: `Bearer ${token}` } });
    req.on('error', () => {});
    req.end();
    for (let i = 0; i < 100 && h.upstream.openWatches() === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(h.upstream.openWatches(), 1);
    req.destroy();
    for (let i = 0; i < 100 && h.upstream.openWatches() > 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(h.upstream.openWatches(), 0);
  });
});

test('shutdown: an open exec session gets a WebSocket close frame (1001)', async () => {
  const h = await startHarness();
  try {
    const token = await h.humanToken();
    const pod = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'shell' }, spec: { containers: [{ name: 'app', image: 'x' }] } });
    assert.equal((await h.request('/api/v1/namespaces/default/pods', { token, method: 'POST', body: pod, headers: { 'content-type': 'application/json' } })).status, 201);
    const url = `${h.proxy.url.replace('https', 'wss')}/api/v1/namespaces/default/pods/shell/exec?command=cat&stdin=true&stdout=true`;
    const ws = new WebSocket(url, ['v5.channel.k8s.io'], { ca: h.tls.ca, headers: { authorization: `Bearer ${token}` } });
    const echoed = new Promise<string>((resolve) => ws.on('message', (data: Buffer) => resolve(data.subarray(1).toString())));
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      ws.on('open', () => resolve());
      ws.on('error', reject);
    });
    assert.equal(ws.protocol, 'v5.channel.k8s.io');
    ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('hello')]));
    assert.equal(await echoed, 'hello');
    await h.proxy.shutdown();
    assert.equal(await closed, 1001);
  } finally {
    await h.close();
  }
});
