// The real kubectl through Gatehouse over TLS, with a bearer token from the test OIDC issuer, against the
// API-server-like upstream (test/support/fake-apiserver.ts).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { KUBECTL, PROXY_USER, startHarness, type Harness } from './support/proxy-harness.js';

const skip = existsSync(KUBECTL) ? false : `kubectl not found at ${KUBECTL}`;
let h: Harness;
before(async () => {
  if (!skip) h = await startHarness();
});
after(async () => {
  if (!skip) await h.close();
});

test('kubectl auth whoami shows the mapped user, not the proxy', { skip }, async () => {
  const token = await h.humanToken();
  const result = await h.kubectl(token, ['auth', 'whoami', '-o', 'json']);
  assert.equal(result.code, 0, result.stderr);
  const review = JSON.parse(result.stdout) as { status: { userInfo: { username: string; groups: string[]; uid: string } } };
  assert.equal(review.status.userInfo.username, 'jane@example.com');
  assert.deepEqual(review.status.userInfo.groups, ['oidc:developers', 'oidc:sre', 'system:authenticated']);
  assert.equal(review.status.userInfo.uid, 'a6f3c2b1-0d9e-4f8a-b7c6-5d4e3f2a1b0c');
  const seen = h.upstream.seen.find((r) => r.url.includes('selfsubjectreviews'));
  assert.equal(seen?.caller?.username, PROXY_USER);
  assert.equal(seen?.headers.authorization, 'Bearer proxy-service-account-token');
});

test('workflow identity travels as impersonated extra', { skip }, async () => {
  const token = await h.workflowToken();
  const result = await h.kubectl(token, ['auth', 'whoami', '-o', 'json']);
  assert.equal(result.code, 0, result.stderr);
  const user = (JSON.parse(result.stdout) as { status: { userInfo: { username: string; extra: Record<string, string[]> } } }).status.userInfo;
  assert.equal(user.username, 'github:repo:org/app:ref:refs/heads/main');
  assert.deepEqual(user.extra['gatehouse.dev/repository'], ['org/app']);
  assert.deepEqual(user.extra['gatehouse.dev/workflow'], ['org/app/.github/workflows/deploy.yml@refs/heads/main']);
});

test('kubectl apply, get and list through the proxy', { skip }, async () => {
  const token = await h.humanToken();
  const manifest = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  color: blue\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n';
  const applied = await h.kubectl(token, ['apply', '-f', '-'], { input: manifest });
  assert.equal(applied.code, 0, applied.stderr);
  assert.match(applied.stdout, /configmap\/settings created/);
  assert.match(applied.stdout, /deployment.apps\/web created/);
  const got = await h.kubectl(token, ['get', 'configmap', 'settings', '-o', 'jsonpath={.data.color}']);
  assert.equal(got.stdout, 'blue', got.stderr);
  const list = await h.kubectl(token, ['get', 'deployments', '-o', 'name']);
  assert.equal(list.stdout.trim(), 'deployment.apps/web', list.stderr);
  const creator = h.upstream.seen.find((r) => r.method === 'POST' && r.url.includes('/configmaps'));
  assert.equal(creator?.user?.username, 'jane@example.com');
});

test('kubectl get -w streams events; stopping kubectl closes the upstream watch', { skip }, async () => {
  const token = await h.humanToken();
  const { spawn } = await import('node:child_process');
  const { writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  // Reuse the harness's kubeconfig layout by asking kubectl for its config path through a throwaway call.
  const probe = await h.kubectl(token, ['config', 'view', '--minify', '-o', 'yaml', '--raw']);
  const kubeconfig = join(h.dir, 'watch-kubeconfig');
  writeFileSync(kubeconfig, probe.stdout);
  const watcher = spawn(KUBECTL, ['--kubeconfig', kubeconfig, 'get', 'configmaps', '-w', '-o', 'name'], { env: { PATH: process.env.PATH ?? '', HOME: h.dir } });
  let out = '';
  watcher.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const waitFor = async (pattern: RegExp, what: string) => {
    for (let i = 0; i < 200 && !pattern.test(out); i++) await new Promise((r) => setTimeout(r, 50));
    assert.match(out, pattern, what);
  };
  try {
    for (let i = 0; i < 200 && h.upstream.openWatches() === 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(h.upstream.openWatches(), 1);
    const created = await h.kubectl(token, ['apply', '-f', '-'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: watched\n' });
    assert.equal(created.code, 0, created.stderr);
    await waitFor(/configmap\/watched/, 'the watch delivered the new object');
  } finally {
    watcher.kill('SIGTERM');
  }
  for (let i = 0; i < 100 && h.upstream.openWatches() > 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(h.upstream.openWatches(), 0, 'the upstream watch was closed when the client left');
});

test('kubectl exec over WebSocket (v5.channel.k8s.io): output and stdin', { skip }, async () => {
  const token = await h.humanToken();
  const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: shell\nspec:\n  containers:\n  - name: app\n    image: registry.example/app:1\nstatus:\n  phase: Running\n';
  const applied = await h.kubectl(token, ['apply', '-f', '-'], { input: pod });
  assert.equal(applied.code, 0, applied.stderr);
  const echo = await h.kubectl(token, ['exec', 'shell', '--', 'echo', 'hello', 'through', 'gatehouse']);
  assert.equal(echo.code, 0, echo.stderr);
  assert.equal(echo.stdout, 'hello through gatehouse\n');
  const cat = await h.kubectl(token, ['exec', '-i', 'shell', '--', 'cat'], { input: 'ping\npong\n' });
  assert.equal(cat.code, 0, cat.stderr);
  assert.equal(cat.stdout, 'ping\npong\n');
  const failing = await h.kubectl(token, ['exec', 'shell', '--', 'nope']);
  assert.notEqual(failing.code, 0);
  assert.match(failing.stderr, /nope: command not found/);
  const upgrade = h.upstream.seen.find((r) => r.url.includes('/exec') && r.headers.upgrade);
  assert.equal(upgrade?.user?.username, 'jane@example.com');
  assert.match(String(upgrade?.headers['sec-websocket-protocol']), /v5\.channel\.k8s\.io/);
});

test('kubectl logs -f: numbered lines arrive in order while kubectl is still following', { skip }, async () => {
  const token = await h.humanToken();
  const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: chatty\nspec:\n  containers:\n  - name: app\n    image: registry.example/app:1\n';
  assert.equal((await h.kubectl(token, ['apply', '-f', '-'], { input: pod })).code, 0);
  const follower = h.spawnKubectl(token, ['logs', '-f', 'chatty']);
  let out = '';
  let exited = false;
  follower.stdout.on('data', (c: Buffer) => (out += c.toString()));
  follower.once('exit', () => (exited = true));
  try {
    for (let i = 0; i < 200 && !/log line 3 of chatty/.test(out); i++) await new Promise((r) => setTimeout(r, 50));
    assert.match(out, /^log line 1 of chatty\nlog line 2 of chatty\nlog line 3 of chatty\n/, 'numbered lines, in order');
    assert.equal(exited, false, 'the lines arrived while kubectl was still following');
  } finally {
    follower.kill('SIGTERM');
  }
  const logRequest = h.upstream.seen.find((r) => r.url.includes('/pods/chatty/log'));
  assert.match(logRequest?.url ?? '', /follow=true/);
});

test('audit: one audit.k8s.io/v1 Event per request with both identities and never the token', { skip }, async () => {
  const token = await h.humanToken({ email: 'audit@example.com' });
  const result = await h.kubectl(token, ['get', 'configmap', 'settings', '-n', 'default', '-o', 'name']);
  assert.equal(result.code, 0, result.stderr);
  const forUser = (e: Record<string, unknown>) => (e.impersonatedUser as { username?: string } | undefined)?.username === 'audit@example.com';
  const events = await h.auditEvents((all) => all.some(forUser));
  const event = events.filter(forUser).at(-1) as Record<string, any>;
  assert.ok(event, 'an event for the request');
  assert.equal(event.kind, 'Event');
  assert.equal(event.apiVersion, 'audit.k8s.io/v1');
  assert.equal(event.stage, 'ResponseComplete');
  assert.equal(event.verb, 'get');
  assert.deepEqual(event.objectRef, { resource: 'configmaps', namespace: 'default', name: 'settings', apiGroup: '', apiVersion: 'v1' });
  assert.equal(event.user.username, `${h.issuer.url}#a6f3c2b1-0d9e-4f8a-b7c6-5d4e3f2a1b0c`);
  assert.equal(event.annotations['gatehouse.dev/issuer'], h.issuer.url);
  assert.equal(event.annotations['authorization.k8s.io/decision'], 'allow');
  assert.equal(event.responseStatus.code, 200);
  assert.deepEqual(event.sourceIPs, ['127.0.0.1']);
  assert.match(event.userAgent, /^kubectl\//);
  assert.match(event.requestReceivedTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  const upstreamSaw = h.upstream.seen.find((r) => r.headers['audit-id'] === event.auditID);
  assert.ok(upstreamSaw, 'the upstream received the same Audit-ID');
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  assert.ok(!readFileSync(join(h.dir, 'audit.log'), 'utf8').includes(token.split('.')[2]!), 'no token in the audit log');
});
