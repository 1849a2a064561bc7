import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequestInfo, RequestInfoError } from '../../src/proxy/request-info.js';

type Expect = Partial<ReturnType<typeof parseRequestInfo>>;

// Cases follow the API server's own request-info table (k8s.io/apiserver requestinfo_test.go).
const cases: Array<[string, string, Expect]> = [
  ['GET', '/api/v1/namespaces', { verb: 'list', apiGroup: '', apiVersion: 'v1', namespace: '', resource: 'namespaces', name: '' }],
  ['GET', '/api/v1/namespaces/other', { verb: 'get', namespace: 'other', resource: 'namespaces', name: 'other' }],
  ['GET', '/api/v1/namespaces/other/pods/foo', { verb: 'get', namespace: 'other', resource: 'pods', name: 'foo' }],
  ['HEAD', '/api/v1/namespaces/other/pods/foo', { verb: 'get', resource: 'pods', name: 'foo' }],
  ['GET', '/api/v1/pods', { verb: 'list', namespace: '', resource: 'pods' }],
  ['GET', '/api/v1/namespaces/other/pods', { verb: 'list', namespace: 'other', resource: 'pods' }],
  ['GET', '/api/v1/namespaces/other/pods?watch=true', { verb: 'watch', namespace: 'other', resource: 'pods' }],
  ['GET', '/api/v1/namespaces/other/pods?watch=1', { verb: 'watch' }],
  ['GET', '/api/v1/namespaces/other/pods?watch=', { verb: 'watch' }],
  ['GET', '/api/v1/namespaces/other/pods?watch=false', { verb: 'list' }],
  ['GET', '/api/v1/namespaces/other/pods?watch=0', { verb: 'list' }],
  ['GET', '/api/v1/watch/pods', { verb: 'watch', namespace: '', resource: 'pods' }],
  ['GET', '/api/v1/watch/namespaces/other/pods', { verb: 'watch', namespace: 'other', resource: 'pods' }],
  ['GET', '/api/v1/namespaces/other/pods?fieldSelector=metadata.name%3Dfoo&watch=true', { verb: 'watch', name: 'foo' }],
  ['GET', '/api/v1/namespaces/other/pods?fieldSelector=status.phase%3DRunning,metadata.name%3D%3Dbar', { verb: 'list', name: 'bar' }],
  ['GET', '/api/v1/namespaces/other/pods?fieldSelector=metadata.name%3D..', { verb: 'list', name: '' }],
  ['POST', '/api/v1/namespaces/other/pods', { verb: 'create', namespace: 'other', resource: 'pods', name: '' }],
  ['PUT', '/api/v1/namespaces/other/pods/foo', { verb: 'update', name: 'foo' }],
  ['PATCH', '/api/v1/namespaces/other/pods/foo', { verb: 'patch', name: 'foo' }],
  ['DELETE', '/api/v1/namespaces/other/pods/foo', { verb: 'delete', name: 'foo' }],
  ['DELETE', '/api/v1/namespaces/other/pods', { verb: 'deletecollection', resource: 'pods' }],
  ['GET', '/api/v1/namespaces/other/pods/foo/log', { verb: 'get', resource: 'pods', name: 'foo', subresource: 'log' }],
  ['POST', '/api/v1/namespaces/other/pods/foo/exec', { verb: 'create', resource: 'pods', name: 'foo', subresource: 'exec' }],
  ['GET', '/api/v1/namespaces/other/pods/foo/exec?command=ls', { verb: 'get', subresource: 'exec' }],
  ['PUT', '/api/v1/namespaces/other/finalize', { verb: 'update', namespace: 'other', resource: 'namespaces', name: 'other', subresource: 'finalize' }],
  ['PUT', '/api/v1/namespaces/other/status', { verb: 'update', resource: 'namespaces', name: 'other', subresource: 'status' }],
  ['GET', '/api/v1/proxy/namespaces/other/pods/foo/some/dir', { verb: 'proxy', namespace: 'other', resource: 'pods', name: 'foo', subresource: '' }],
  ['GET', '/api/v1/namespaces/other/pods/foo/proxy/some/dir', { verb: 'get', resource: 'pods', name: 'foo', subresource: 'proxy' }],
  ['GET', '/apis/apps/v1/namespaces/prod/deployments/web', { verb: 'get', apiPrefix: 'apis', apiGroup: 'apps', apiVersion: 'v1', namespace: 'prod', resource: 'deployments', name: 'web' }],
  ['PATCH', '/apis/apps/v1/namespaces/prod/deployments/web/scale', { verb: 'patch', apiGroup: 'apps', subresource: 'scale' }],
  ['GET', '/apis/rbac.authorization.k8s.io/v1/clusterroles', { verb: 'list', apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterroles', namespace: '' }],
  ['POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { verb: 'create', apiGroup: 'authentication.k8s.io', resource: 'selfsubjectreviews' }],
  ['GET', '/api/v1/namespaces/a%2Fb/pods', { namespace: 'a', resource: 'b' }],
];

for (const [method, target, expected] of cases) {
  test(`${method} ${target}`, () => {
    const info = parseRequestInfo(method, target);
    assert.equal(info.isResourceRequest, true);
    for (const [key, value] of Object.entries(expected)) assert.equal(info[key as keyof typeof info], value, `${key}`);
  });
}

test('non-resource requests take the lower-cased method as verb', () => {
  for (const [method, target] of [['GET', '/version'], ['GET', '/api'], ['GET', '/apis'], ['GET', '/api/v1'], ['GET', '/apis/apps/v1'], ['GET', '/openapi/v2'], ['POST', '/healthz/x/y'], ['GET', '/']]) {
    const info = parseRequestInfo(method!, target!);
    assert.equal(info.isResourceRequest, false, target);
    assert.equal(info.verb, method!.toLowerCase());
    assert.equal(info.resource, '');
  }
});

test('a bare special verb cannot name a kind', () => {
  assert.throws(() => parseRequestInfo('GET', '/api/v1/watch'), RequestInfoError);
  assert.throws(() => parseRequestInfo('GET', '/api/v1/pods/%zz'), RequestInfoError);
});

test('unknown methods leave the verb empty', () => {
  assert.equal(parseRequestInfo('OPTIONS', '/api/v1/pods').verb, '');
});

test('the path is read exactly as the URL parser reads it, dot segments, encodings and odd characters included', () => {
  // Plain paths skip the URL parser; every other shape must still come out as `new URL` normalizes and decodes it.
  const pieces = ['api', 'apis', 'v1', 'apps.example.com', 'namespaces', 'prod', 'dev', 'pods', 'web', '.', '..', '%2e', '%2E%2e', '.hidden', 'a..b', '', 'x%2Fy', '%41', 'a b', 'ü', "a'b", 'a\\b', 'a@b:c', 'a;b=c', '~', '%zz'];
  let seed = 7;
  const pick = () => pieces[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % pieces.length]!;
  const targets = ['/', '//api/v1/pods', '/api/v1/namespaces/dev/../prod/pods', '/api/v1/pods#frag', '/api/v1/pods?watch=1#x', '/api/./v1/pods?fieldSelector=metadata.name%3Dweb'];
  for (let i = 0; i < 400; i++) {
    const segments = Array.from({ length: 2 + (i % 6) }, pick);
    targets.push(`/${segments.join('/')}${i % 3 === 0 ? '?watch=true&fieldSelector=metadata.name%3Dweb' : ''}`);
  }
  for (const target of targets) {
    let expected: string | undefined;
    try {
      expected = decodeURIComponent(new URL(target, 'http://request.invalid').pathname);
    } catch {
      expected = undefined;
    }
    if (expected === undefined) {
      assert.throws(() => parseRequestInfo('GET', target), RequestInfoError, target);
      continue;
    }
    let info: ReturnType<typeof parseRequestInfo> | undefined;
    try {
      info = parseRequestInfo('GET', target);
    } catch (err) {
      assert.ok(err instanceof RequestInfoError, `${target}: ${(err as Error).message}`);
      continue; // e.g. /api/v1/watch with nothing after it, as the API server refuses it
    }
    assert.equal(info.path, expected, target);
  }
});

test('a dot segment cannot move a request into another namespace unseen', () => {
  const info = parseRequestInfo('DELETE', '/api/v1/namespaces/dev/../prod/pods/web');
  assert.equal(info.namespace, 'prod');
  assert.equal(info.name, 'web');
  assert.equal(info.verb, 'delete');
});
