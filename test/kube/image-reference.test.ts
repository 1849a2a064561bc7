import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ImageReferenceError,
  familiarName,
  formatImageReference,
  parseImageReference,
  quoteReference,
  tryParseImageReference,
} from '../../src/kube/image-reference.js';

const SHA256 = 'sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff';
const SHA512 = `sha512:${'f'.repeat(128)}`;
const HEX64 = '1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a';

// [input, registry, repository, tag, digest] — the normalised results of the distribution reference grammar.
const VALID: [string, string, string, string?, string?][] = [
  ['nginx', 'docker.io', 'library/nginx'],
  ['nginx:1.27', 'docker.io', 'library/nginx', '1.27'],
  ['nginx:latest', 'docker.io', 'library/nginx', 'latest'],
  [`nginx@${SHA256}`, 'docker.io', 'library/nginx', undefined, SHA256],
  [`busybox:latest@${SHA256}`, 'docker.io', 'library/busybox', 'latest', SHA256],
  ['library/debian', 'docker.io', 'library/debian'],
  ['docker/docker', 'docker.io', 'docker/docker'],
  ['docker.io/debian', 'docker.io', 'library/debian'],
  ['docker.io/library/debian', 'docker.io', 'library/debian'],
  ['docker.io/library/foo/bar', 'docker.io', 'library/foo/bar'],
  ['index.docker.io/debian', 'docker.io', 'library/debian'],
  ['index.docker.io/docker/docker', 'docker.io', 'docker/docker'],
  ['test_com/foo', 'docker.io', 'test_com/foo'],
  ['test.com/foo', 'test.com', 'foo'],
  ['test.com:8080/foo', 'test.com:8080', 'foo'],
  ['test-com:8080/foo', 'test-com:8080', 'foo'],
  ['test:5000/repo:tag', 'test:5000', 'repo', 'tag'],
  [`test:5000/repo:tag@${SHA256}`, 'test:5000', 'repo', 'tag', SHA256],
  ['localhost/foo', 'localhost', 'foo'],
  ['localhost:5000/foo/bar:v1', 'localhost:5000', 'foo/bar', 'v1'],
  ['localhost', 'docker.io', 'library/localhost'],
  ['localhost:5000', 'docker.io', 'library/localhost', '5000'],
  ['127.0.0.1:5000/docker/docker', '127.0.0.1:5000', 'docker/docker'],
  ['192.168.0.1', 'docker.io', 'library/192.168.0.1'],
  ['192.168.0.1:80', 'docker.io', 'library/192.168.0.1', '80'],
  ['[2001:db8::1]/repo', '[2001:db8::1]', 'repo'],
  ['[2001:db8::1]:5000/repo:tag', '[2001:db8::1]:5000', 'repo', 'tag'],
  ['[::1]:5000/repo', '[::1]:5000', 'repo'],
  ['[fc00:1:2:3:4:5:6:7]:5000/library/debian', '[fc00:1:2:3:4:5:6:7]:5000', 'library/debian'],
  ['sub-dom1.foo.com/bar/baz/quux:some-long-tag', 'sub-dom1.foo.com', 'bar/baz/quux', 'some-long-tag'],
  ['b.gcr.io/test.example.com/my-app:test.example.com', 'b.gcr.io', 'test.example.com/my-app', 'test.example.com'],
  [`xn--7o8h.com/myimage:xn--7o8h.com@${SHA512}`, 'xn--7o8h.com', 'myimage', 'xn--7o8h.com', SHA512],
  ['ghcr.io/acme/api:v1.2.3', 'ghcr.io', 'acme/api', 'v1.2.3'],
  ['registry.k8s.io/pause:3.9', 'registry.k8s.io', 'pause', '3.9'],
  ['lowercase:Uppercase', 'docker.io', 'library/lowercase', 'Uppercase'],
  ['Foo/bar', 'Foo', 'bar'],
  ['DOCKER/docker', 'DOCKER', 'docker'],
  ['docker---rules/docker', 'docker.io', 'docker---rules/docker'],
  ['dock__er/docker', 'docker.io', 'dock__er/docker'],
  ['d/docker', 'docker.io', 'd/docker'],
  [`docker.io/${HEX64}`, 'docker.io', `library/${HEX64}`],
  ['thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev', 'docker.io', 'library/thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev'],
  [`${'a/'.repeat(127)}a:tag-puts-this-over-max`, 'docker.io', `${'a/'.repeat(127)}a`, 'tag-puts-this-over-max'],
  [`nginx:${'t'.repeat(128)}`, 'docker.io', 'library/nginx', 't'.repeat(128)],
  ['nginx:_under', 'docker.io', 'library/nginx', '_under'],
];

// [input, reason fragment]
const INVALID: [string, string][] = [
  ['', 'the reference is empty'],
  [':justtag', 'the repository name is missing'],
  [`@${SHA256}`, 'the repository name is missing'],
  ['repo@sha256:ffffffffffffffffffffffffffffffffff', 'sha256 digest must have 64 hex digits, not 34'],
  [`validname@invaliddigest:${'f'.repeat(64)}`, 'digest algorithm "invaliddigest" is not supported'],
  [`nginx@sha256:${'F'.repeat(64)}`, 'sha256 digest must be lowercase hex'],
  ['nginx@sha256:xyz', 'digest "sha256:xyz" is invalid'],
  ['nginx@', 'digest "" is invalid'],
  ['nginx:', 'tag "" is invalid'],
  ['nginx:-dash', 'tag "-dash" is invalid'],
  [`nginx:${'t'.repeat(129)}`, 'is invalid'],
  ['Uppercase:tag', 'repository name "library/Uppercase" must be lowercase'],
  ['test:5000/Uppercase/lowercase:tag', 'must be lowercase'],
  ['docker/Docker', 'must be lowercase'],
  ['docker.io/docker/Docker', 'must be lowercase'],
  [`${'a/'.repeat(128)}a:tag`, 'repository name is longer than 255 characters'],
  ['aa/asdf$$^/aa', 'repository path component "asdf$$^" is invalid'],
  ['https://github.com/docker/docker', 'registry host "https:" is invalid'],
  ['-docker', 'repository path component "-docker" is invalid'],
  ['-docker/docker', 'repository path component "-docker" is invalid'],
  ['-docker.io/docker/docker', 'registry host "-docker.io" is invalid'],
  ['docker-/docker', 'is invalid'],
  ['____/____', 'is invalid'],
  ['_docker/_docker', 'is invalid'],
  ['dock..er/docker', 'registry host "dock..er" is invalid'],
  ['dock_.er/docker', 'registry host "dock_.er" is invalid'],
  ['a.b_c/d', 'registry host "a.b_c" is invalid'],
  ['docker///docker', 'has an empty path component'],
  ['docker/', 'has an empty path component'],
  ['[fc00::1]', 'is invalid'],
  ['[fc00::1]:5000', 'is invalid'],
  ['[2001:db8::1]:tag', 'is invalid'],
  ['fc00::1:5000/debian', 'registry host "fc00::1:5000" is invalid'],
  ['[fe80::1%eth0]:5000/debian', 'registry host "[fe80::1%eth0]:5000" is invalid'],
  ['[2001:db8:3:4::192.0.2.33]:5000/debian', 'is invalid'],
  ['registry.example.com:port/app', 'registry host "registry.example.com:port" is invalid'],
  ['a/b:c:d', 'repository path component "b:c" is invalid'],
  ['nginx:1@sha256:abc@def', 'is invalid'],
  [' nginx', 'is invalid'],
  ['nginx ', 'is invalid'],
  [HEX64, 'is an image ID, not a repository name'],
  ['x'.repeat(2000), 'longer than 1024 characters'],
];

describe('parseImageReference', () => {
  for (const [input, registry, repository, tag, digest] of VALID) {
    it(`parses ${JSON.stringify(input.length > 60 ? `${input.slice(0, 60)}…` : input)}`, () => {
      const ref = parseImageReference(input);
      assert.equal(ref.registry, registry);
      assert.equal(ref.repository, repository);
      assert.equal(ref.name, `${registry}/${repository}`);
      assert.equal(ref.tag, tag);
      assert.equal(ref.digest, digest);
      // The normalised form is a fixed point.
      assert.deepEqual(parseImageReference(formatImageReference(ref)), ref);
    });
  }

  for (const [input, reason] of INVALID) {
    it(`rejects ${JSON.stringify(input.length > 60 ? `${input.slice(0, 60)}…` : input)}`, () => {
      assert.throws(() => parseImageReference(input), (err: unknown) => {
        assert.ok(err instanceof ImageReferenceError);
        assert.equal(err.reference, input);
        assert.ok(err.message.startsWith(`invalid image reference ${quoteReference(input)}: `), err.message);
        assert.ok(err.reason.includes(reason), `${err.reason} should include ${reason}`);
        return true;
      });
    });
  }

  it('shortens overlong input in messages', () => {
    assert.equal(quoteReference('nginx'), '"nginx"');
    assert.equal(quoteReference('x'.repeat(5000)), JSON.stringify(`${'x'.repeat(200)}…`));
  });

  it('returns frozen objects without absent fields', () => {
    const ref = parseImageReference('nginx');
    assert.ok(Object.isFrozen(ref));
    assert.deepEqual(Object.keys(ref).sort(), ['name', 'registry', 'repository']);
  });

  it('stays fast on long hostile input near the length limit', () => {
    // Shapes that make backtracking regular expressions explode; the parser must still answer.
    for (const text of [`${'a-'.repeat(500)}!/x`, `${'a.'.repeat(500)}/x`, `x/${'a_'.repeat(500)}`, `x@sha256:${'0'.repeat(1000)}`]) {
      assert.equal(tryParseImageReference(text).ok, false);
    }
  });
});

describe('formatImageReference and familiarName', () => {
  const cases: [string, string, string][] = [
    ['nginx', 'docker.io/library/nginx', 'nginx'],
    ['nginx:1.27', 'docker.io/library/nginx:1.27', 'nginx'],
    ['acme/api:v1', 'docker.io/acme/api:v1', 'acme/api'],
    ['docker.io/library/foo/bar', 'docker.io/library/foo/bar', 'library/foo/bar'],
    [`ghcr.io/acme/api:v1@${SHA256}`, `ghcr.io/acme/api:v1@${SHA256}`, 'ghcr.io/acme/api'],
    ['localhost:5000/app', 'localhost:5000/app', 'localhost:5000/app'],
  ];
  for (const [input, full, familiar] of cases) {
    it(`${input} → ${full} / ${familiar}`, () => {
      const ref = parseImageReference(input);
      assert.equal(formatImageReference(ref), full);
      assert.equal(familiarName(ref), familiar);
    });
  }
});

describe('tryParseImageReference', () => {
  it('reports instead of throwing', () => {
    const good = tryParseImageReference('nginx:1');
    assert.ok(good.ok && good.reference.tag === '1');
    const bad = tryParseImageReference('NGINX');
    assert.ok(!bad.ok && bad.error.reason.includes('must be lowercase'));
  });
});
