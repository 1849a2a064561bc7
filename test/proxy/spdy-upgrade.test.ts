// SPDY/3.1 upgrades (kubectl's exec, attach and port-forward transport before WebSockets): the proxy holds the
// client's bytes until the API server answers 101, then relays both directions unchanged, and on shutdown ends the
// session between two frames with GOAWAY. The upstream answers late on purpose, so bytes the client sends right
// after its request would reach it early if the proxy did not hold them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { startHarness, type Harness } from './support/proxy-harness.js';
import { SPDY_GREETING } from '../support/fake-apiserver.js';
import { goAwayFrame } from '../../src/proxy/spdy-frames.js';

const POD = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'shell', namespace: 'default' }, spec: { containers: [{ name: 'app', image: 'registry.example/app:1' }] } };

async function withPod(fn: (h: Harness, token: string) => Promise<void>): Promise<void> {
  const h = await startHarness();
  try {
    const token = await h.humanToken();
    const created = await h.request('/api/v1/namespaces/default/pods', { token, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(POD) });
    assert.equal(created.status, 201, created.body);
    await fn(h, token);
  } finally {
    await h.close();
  }
}

function upgradeRequest(path: string, token: string, streamProtocols: string): string {
  return (
    `POST ${path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${token}\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n` +
    `X-Stream-Protocol-Version: ${streamProtocols}\r\nContent-Length: 0\r\n\r\n`
  );
}

/** Reads from the socket until `pattern` matches what arrived (bounded). */
async function readUntil(socket: TLSSocket, received: () => string, pattern: RegExp): Promise<string> {
  for (let i = 0; i < 100 && !pattern.test(received()) && !socket.destroyed; i++) await new Promise((r) => setTimeout(r, 50));
  return received();
}

function open(h: Harness): Promise<{ socket: TLSSocket; received: () => string }> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port: Number(new URL(h.proxy.url).port), ca: h.tls.ca, servername: 'localhost' }, () => resolve({ socket, received: () => out }));
    let out = '';
    socket.setEncoding('latin1');
    socket.on('data', (c: string) => (out += c));
    socket.once('error', reject);
  });
}

for (const [subresource, protocols, negotiated] of [
  ['exec?command=sh&stdin=true&stdout=true', 'v4.channel.k8s.io,channel.k8s.io', 'v4.channel.k8s.io'],
  ['portforward', 'portforward.k8s.io', 'portforward.k8s.io'],
] as const) {
  const name = subresource.split('?')[0];
  test(`SPDY/3.1 ${name}: bytes reach the API server only after its 101; both directions flow`, async () => {
    await withPod(async (h, token) => {
      h.upstream.setMode('slow', 300);
      const { socket, received } = await open(h);
      // The request and the first session bytes in one write, more bytes before any answer.
      socket.write(upgradeRequest(`/api/v1/namespaces/default/pods/shell/${subresource}`, token, protocols) + 'early-frame;');
      socket.write('second-frame;');
      const switched = await readUntil(socket, received, /early-frame;second-frame;/);
      h.upstream.setMode('ok');
      assert.match(switched, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
      assert.match(switched, new RegExp(`\\r\\nX-Stream-Protocol-Version: ${negotiated.replace(/\./g, '\\.')}\\r\\n`, 'i'));
      const afterHead = switched.slice(switched.indexOf('\r\n\r\n') + 4);
      assert.equal(afterHead, `${SPDY_GREETING.toString('latin1')}early-frame;second-frame;`, 'the upstream greeting, then the echo of the held bytes');
      const upgrade = h.upstream.seen.find((r) => r.headers.upgrade === 'SPDY/3.1');
      assert.equal(upgrade?.bytesBeforeSwitch, 0, 'no client byte reached the API server before it switched protocols');
      assert.equal(upgrade?.user?.username, 'jane@example.com', 'the session runs as the mapped user');
      assert.equal(upgrade?.headers.authorization, 'Bearer proxy-service-account-token');

      socket.write('after-switch;');
      const echoed = await readUntil(socket, received, /after-switch;/);
      assert.ok(echoed.endsWith('after-switch;'));
      socket.end();
    });
  });
}

test('SPDY/3.1 refused by the API server: its answer is relayed and nothing is piped', async () => {
  await withPod(async (h, token) => {
    const { socket, received } = await open(h);
    socket.write(upgradeRequest('/api/v1/namespaces/default/pods/shell/exec?command=sh', token, 'v9.unknown.k8s.io') + 'early-frame;');
    const answer = await readUntil(socket, received, /\}$/);
    assert.match(answer, /^HTTP\/1\.1 403 /);
    assert.match(answer, /no supported X-Stream-Protocol-Version/);
    assert.doesNotMatch(answer, /early-frame/);
    socket.destroy();
  });
});

test('SPDY/3.1 with a token the proxy refuses never reaches the API server', async () => {
  await withPod(async (h) => {
    const before = h.upstream.seen.length;
    const { socket, received } = await open(h);
    socket.write(upgradeRequest('/api/v1/namespaces/default/pods/shell/exec?command=sh', 'not-a-token', 'v4.channel.k8s.io') + 'early-frame;');
    const answer = await readUntil(socket, received, /\}$/);
    assert.match(answer, /^HTTP\/1\.1 401 /);
    assert.equal(h.upstream.seen.length, before);
    socket.destroy();
  });
});

test('shutdown: an open SPDY/3.1 session ends after the frame under way, with GOAWAY naming the last stream replied to', async () => {
  await withPod(async (h, token) => {
    const { socket, received } = await open(h);
    const ended = new Promise<void>((resolve) => socket.once('end', () => resolve()));
    socket.write(upgradeRequest('/api/v1/namespaces/default/pods/shell/exec?command=sh&stdin=true', token, 'v4.channel.k8s.io'));
    await readUntil(socket, received, /\r\n\r\n[\s\S]{12}$/); // the 101 and the greeting
    // The API server echoes: what the test sends comes back as the server's frames. A SYN_REPLY for stream 5, then
    // a data frame of 10 bytes of which only 4 are sent before the proxy shuts down.
    const synReply = Buffer.from([0x80, 3, 0, 2, 0, 0, 0, 4, 0, 0, 0, 5]);
    const dataFrame = Buffer.concat([Buffer.from([0, 0, 0, 5, 0, 0, 0, 10]), Buffer.from('0123456789')]);
    socket.write(Buffer.concat([synReply, dataFrame.subarray(0, 12)]));
    await readUntil(socket, received, /0123$/);
    const shutdown = h.proxy.shutdown();
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(received().endsWith('0123'), 'nothing is added mid-frame');
    socket.write(dataFrame.subarray(12));
    await ended;
    await shutdown;
    const session = received().slice(received().indexOf('\r\n\r\n') + 4);
    assert.equal(session, Buffer.concat([SPDY_GREETING, synReply, dataFrame, goAwayFrame(5)]).toString('latin1'));
    socket.destroy();
  });
});
