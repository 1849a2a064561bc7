import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeExtraKey, encodeExtraKey, impersonationHeaders, ImpersonationValueError, readClientImpersonation } from '../../src/proxy/impersonation.js';
import { impersonationChecks } from '../../src/proxy/impersonation-review.js';
import { startHarness } from './support/proxy-harness.js';
import type { UserInfo } from '../../src/policy/policy.js';

test('extra keys are percent-encoded as client-go does: non-token bytes and % itself', () => {
  assert.equal(encodeExtraKey('gatehouse.dev/justification'), 'gatehouse.dev%2Fjustification');
  assert.equal(encodeExtraKey('scopes'), 'scopes');
  assert.equal(encodeExtraKey('a%b'), 'a%25b');
  assert.equal(encodeExtraKey('example.com/ü'), 'example.com%2F%C3%BC');
  assert.equal(encodeExtraKey("a b:c!#$&'*+-.^_`|~"), "a%20b%3Ac!#$&'*+-.^_`|~");
  for (const key of ['gatehouse.dev/justification', 'example.com/ü', 'a%b', 'x y/z']) assert.equal(decodeExtraKey(encodeExtraKey(key)), key);
  assert.equal(decodeExtraKey('Gatehouse.dev%2FRef'), 'gatehouse.dev/ref');
  assert.equal(decodeExtraKey('bad%zz'), 'bad%zz');
});

test('impersonation headers for a user', () => {
  assert.deepEqual(impersonationHeaders({ username: 'jane@example.com', uid: '42', groups: ['a', 'b'], extra: { 'gatehouse.dev/ref': ['refs/heads/main'], empty: [] } }), {
    'impersonate-user': 'jane@example.com',
    'impersonate-uid': '42',
    'impersonate-group': ['a', 'b'],
    'impersonate-extra-gatehouse.dev%2Fref': ['refs/heads/main'],
  });
  // UTF-8 values go out as their bytes (latin1 string in Node's header API).
  assert.equal(impersonationHeaders({ username: 'józef' })['impersonate-user'], Buffer.from('józef', 'utf8').toString('latin1'));
});

test('values that would be altered or break the header are refused', () => {
  const refused: UserInfo[] = [
    { username: ' system:admin' },
    { username: 'admin\t' },
    { username: 'a\r\nImpersonate-Group: system:masters' },
    { username: '' },
    { username: 'a', groups: ['system:masters '] },
    { username: 'a', extra: { k: ['v\u0000'] } },
    { username: 'a', extra: { '': ['v'] } },
  ];
  for (const user of refused) {
    assert.throws(() => impersonationHeaders(user), ImpersonationValueError, JSON.stringify(user));
  }
});

test('client impersonation requests are read as the API server reads them', () => {
  assert.deepEqual(readClientImpersonation(['Impersonate-User', 'bob', 'Impersonate-Group', 'g1', 'IMPERSONATE-GROUP', 'g2', 'Impersonate-Extra-Scopes%2Fx', 'v']), {
    username: 'bob',
    groups: ['g1', 'g2'],
    extra: { 'scopes/x': ['v'] },
  });
  assert.throws(() => readClientImpersonation(['Impersonate-Group', 'g1']), /requires Impersonate-User/);
  assert.throws(() => readClientImpersonation(['Impersonate-User', 'a', 'Impersonate-User', 'b']), /more than once/);
  assert.throws(() => readClientImpersonation(['Impersonate-User', 'a', 'Impersonate-Everything', 'b']), /unknown impersonation header/);
});

test('the permissions an impersonation needs', () => {
  assert.deepEqual(impersonationChecks({ username: 'system:serviceaccount:ci:deployer', groups: ['g'], uid: '7', extra: { k: ['v1', 'v2'] } }), [
    { verb: 'impersonate', resource: 'serviceaccounts', namespace: 'ci', name: 'deployer' },
    { verb: 'impersonate', resource: 'groups', name: 'g' },
    { verb: 'impersonate', group: 'authentication.k8s.io', resource: 'uids', name: '7' },
    { verb: 'impersonate', group: 'authentication.k8s.io', resource: 'userextras', subresource: 'k', name: 'v1' },
    { verb: 'impersonate', group: 'authentication.k8s.io', resource: 'userextras', subresource: 'k', name: 'v2' },
  ]);
});

test('kubectl --as style impersonation allowed by SubjectAccessReview when enabled', async () => {
  const h = await startHarness({
    config: { clientImpersonation: 'SubjectAccessReview' },
    upstream: {
      authorize: (user, attrs) => {
        if (attrs.verb !== 'impersonate') return true;
        if (user.username === 'system:serviceaccount:gatehouse:proxy') return true;
        // Only SREs may act as the on-call service account, and nobody may become a cluster admin.
        return user.groups.includes('oidc:sre') && attrs.name !== 'system:masters';
      },
    },
  });
  try {
    const sre = await h.humanToken();
    const dev = await h.humanToken({ email: 'dev@example.com', groups: ['developers'] });
    const as = { 'Impersonate-User': 'oncall' };
    const ok = await h.request('/apis/authentication.k8s.io/v1/selfsubjectreviews', { token: sre, method: 'POST', body: '{}', headers: { ...as, 'content-type': 'application/json' } });
    assert.equal(ok.status, 201, ok.body);
    assert.equal((JSON.parse(ok.body) as { status: { userInfo: { username: string } } }).status.userInfo.username, 'oncall');
    const review = h.upstream.seen.filter((r) => r.url.includes('subjectaccessreviews')).at(-1)!;
    assert.equal(review.caller?.username, 'system:serviceaccount:gatehouse:proxy');
    const before = h.upstream.seen.length;
    const denied = await h.request('/api/v1/pods', { token: dev, headers: as });
    assert.equal(denied.status, 403);
    assert.match((JSON.parse(denied.body) as { message: string }).message, /impersonation refused: user "dev@example.com" cannot impersonate users "oncall"/);
    assert.ok(h.upstream.seen.slice(before).every((r) => r.url.includes('subjectaccessreviews')), 'only the review reached the upstream');
    const masters = await h.request('/api/v1/pods', { token: sre, headers: { ...as, 'Impersonate-Group': 'system:masters' } });
    assert.equal(masters.status, 403);
    const groupOnly = await h.request('/api/v1/pods', { token: sre, headers: { 'Impersonate-Group': 'x' } });
    assert.equal(groupOnly.status, 400);
  } finally {
    await h.close();
  }
});
