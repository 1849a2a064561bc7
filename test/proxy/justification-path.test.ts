// The justification as a URL path prefix, the form kubectl can send (it cannot add headers): parsing and
// validation, then the real kubectl against a policy that wants a ticket for writes to production namespaces.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { JustificationPathError, justificationServerUrl, takeJustificationPrefix } from '../../src/proxy/justification-path.js';
import { KUBECTL, startHarness, type Harness } from './support/proxy-harness.js';

test('the prefix is taken off the request target, query and all', () => {
  assert.deepEqual(takeJustificationPrefix('/justification/JIRA-123/api/v1/namespaces/prod/pods?watch=1'), { path: '/api/v1/namespaces/prod/pods?watch=1', justification: 'JIRA-123' });
  assert.deepEqual(takeJustificationPrefix('/justification/JIRA-123'), { path: '/', justification: 'JIRA-123' });
  assert.deepEqual(takeJustificationPrefix('/justification/JIRA-123?timeout=32s'), { path: '/?timeout=32s', justification: 'JIRA-123' });
  assert.deepEqual(takeJustificationPrefix('/justification/INC0012345:change_42.a~b+c@d/version'), { path: '/version', justification: 'INC0012345:change_42.a~b+c@d' });
  assert.deepEqual(takeJustificationPrefix('/api/v1/pods'), { path: '/api/v1/pods' });
  assert.deepEqual(takeJustificationPrefix('/justificationX/api'), { path: '/justificationX/api' });
});

test('malformed tickets are refused: empty, too long, outside the charset, percent-encoded', () => {
  for (const [target, pattern] of [
    ['/justification//api/v1/pods', /is empty/],
    ['/justification/', /is empty/],
    [`/justification/${'A'.repeat(129)}/api`, /longer than 128/],
    ['/justification/JIRA%2D1/api', /may only hold/],
    ['/justification/-JIRA-1/api', /may only hold/],
    ['/justification/JIRA 1/api', /may only hold/],
    ['/justification/JIRA-1;drop/api', /may only hold/],
  ] as const) {
    assert.throws(() => takeJustificationPrefix(target), (err: Error) => err instanceof JustificationPathError && pattern.test(err.message), target);
  }
});

test('justificationServerUrl builds the kubeconfig server URL', () => {
  assert.equal(justificationServerUrl('https://proxy.example:8443', 'JIRA-123'), 'https://proxy.example:8443/justification/JIRA-123');
  assert.equal(justificationServerUrl('https://proxy.example:8443/', 'JIRA-123'), 'https://proxy.example:8443/justification/JIRA-123');
  assert.throws(() => justificationServerUrl('https://proxy.example/base', 'JIRA-1'), /must not have a path/);
  assert.throws(() => justificationServerUrl('https://proxy.example', 'JIRA 1'), /may only hold/);
});

const skip = existsSync(KUBECTL) ? false : `kubectl not found at ${KUBECTL}`;
const PROD_NAMESPACE = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n  labels:\n    env: prod\n';
const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: prod\ndata:\n  k: v\n`;
let h: Harness;
let token: string;

before(async () => {
  if (skip) return;
  h = await startHarness({
    config: {
      access: {
        namespaceCacheTTLSeconds: 0,
        policies: [
          {
            name: 'prod-writes-need-a-ticket',
            matchConditions: [
              { name: 'writes', expression: "request.verb in ['create', 'update', 'patch', 'delete', 'deletecollection']" },
              { name: 'production', expression: "namespaceObject != null && namespaceObject.metadata.?labels.?env.orValue('') == 'prod'" },
            ],
            validations: [
              {
                name: 'justification',
                expression: "'x-gatehouse-justification' in request.headers && request.headers['x-gatehouse-justification'].matches('^JIRA-[0-9]+$')",
                message: 'writes to production need a justification: JIRA-<number>',
              },
            ],
          },
        ],
      },
    },
  });
  token = await h.humanToken();
  const created = await h.kubectl(token, ['apply', '-f', '-'], { input: PROD_NAMESPACE });
  assert.equal(created.code, 0, created.stderr);
});
after(async () => {
  if (!skip) await h.close();
});

test('kubectl without a justification is refused by the policy', { skip }, async () => {
  const refused = await h.kubectl(token, ['apply', '-f', '-'], { input: configMap('plain') });
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /Forbidden.*prod-writes-need-a-ticket.*writes to production need a justification/);
});

test('kubectl with the ticket in its kubeconfig server URL: allowed, prefix stripped, ticket sent as extra', { skip }, async () => {
  const server = justificationServerUrl(h.proxy.url, 'JIRA-123');
  const applied = await h.kubectl(token, ['apply', '-f', '-'], { input: configMap('justified'), server });
  assert.equal(applied.code, 0, applied.stderr);
  const write = h.upstream.seen.find((r) => r.method !== 'GET' && r.url.includes('/configmaps') && r.user?.extra['gatehouse.dev/justification']);
  assert.ok(write, 'the write reached the upstream with the justification');
  assert.deepEqual(write.user!.extra['gatehouse.dev/justification'], ['JIRA-123']);
  assert.ok(h.upstream.seen.every((r) => !r.url.includes('justification')), 'the prefix never reached the upstream');

  const whoami = await h.kubectl(token, ['auth', 'whoami', '-o', 'json'], { server });
  assert.equal(whoami.code, 0, whoami.stderr);
  const review = JSON.parse(whoami.stdout) as { status: { userInfo: { username: string; extra: Record<string, string[]> } } };
  assert.equal(review.status.userInfo.username, 'jane@example.com');
  assert.deepEqual(review.status.userInfo.extra['gatehouse.dev/justification'], ['JIRA-123']);

  const justified = (e: Record<string, unknown>) => (e.impersonatedUser as { extra?: Record<string, string[]> } | undefined)?.extra?.['gatehouse.dev/justification'] !== undefined;
  const audited = (await h.auditEvents((events) => events.some(justified))).find(justified);
  assert.ok(audited);
  assert.doesNotMatch(String(audited.requestURI), /justification/, 'the audit log records the forwarded URI');
});

test('kubectl --server with a ticket that does not match the policy pattern is refused', { skip }, async () => {
  const refused = await h.kubectl(token, ['--server', justificationServerUrl(h.proxy.url, 'CHANGE-9'), 'apply', '-f', '-'], { input: configMap('wrong-ticket') });
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /prod-writes-need-a-ticket/);
  assert.equal(h.upstream.objects('configmaps').filter((c) => (c.metadata as { name: string }).name === 'wrong-ticket').length, 0);
});

test('kubectl exec works under the prefix (the upgrade carries the ticket too)', { skip }, async () => {
  const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: shell\n  namespace: prod\nspec:\n  containers:\n  - name: app\n    image: registry.example/app:1\n';
  const server = justificationServerUrl(h.proxy.url, 'JIRA-7');
  assert.equal((await h.kubectl(token, ['apply', '-f', '-'], { input: pod, server })).code, 0);
  const echo = await h.kubectl(token, ['exec', '-n', 'prod', 'shell', '--', 'echo', 'justified'], { server });
  assert.equal(echo.code, 0, echo.stderr);
  assert.equal(echo.stdout, 'justified\n');
  const exec = h.upstream.seen.find((r) => r.url.startsWith('/api/v1/namespaces/prod/pods/shell/exec'));
  assert.deepEqual(exec?.user?.extra['gatehouse.dev/justification'], ['JIRA-7']);
});

test('a malformed ticket in the path, or a ticket in both path and header, is a 400 that is never forwarded', { skip }, async () => {
  const before = h.upstream.seen.length;
  const malformed = await h.request('/justification/JIRA%201/api/v1/namespaces/prod/configmaps', { token });
  assert.equal(malformed.status, 400);
  assert.match(JSON.parse(malformed.body).message, /may only hold letters/);
  const both = await h.request('/justification/JIRA-1/api/v1/namespaces/prod/configmaps', { token, headers: { 'x-gatehouse-justification': 'JIRA-2' } });
  assert.equal(both.status, 400);
  assert.match(JSON.parse(both.body).message, /both in the URL path and in x-gatehouse-justification/);
  assert.equal(h.upstream.seen.length, before);
});
