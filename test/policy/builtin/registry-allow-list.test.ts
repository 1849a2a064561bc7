import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseImageReference } from '../../../src/kube/image-reference.js';
import { RegistryAllowList, parseRegistryPrefix } from '../../../src/policy/builtin/registry-allow-list.js';

describe('parseRegistryPrefix', () => {
  it('accepts hosts, hosts with ports, IPv6 and repository prefixes', () => {
    assert.deepEqual(parseRegistryPrefix('ghcr.io'), { entry: 'ghcr.io', host: 'ghcr.io', path: '' });
    assert.deepEqual(parseRegistryPrefix('Registry.Internal:5000/team/app'), { entry: 'Registry.Internal:5000/team/app', host: 'registry.internal:5000', path: 'team/app' });
    assert.deepEqual(parseRegistryPrefix('index.docker.io/library'), { entry: 'index.docker.io/library', host: 'docker.io', path: 'library' });
    assert.equal(parseRegistryPrefix('localhost').host, 'localhost');
    assert.equal(parseRegistryPrefix('[::1]:5000').host, '[::1]:5000');
  });

  const invalid: [string, RegExp][] = [
    ['', /empty entry/],
    ['nginx', /does not start with a registry host; for Docker Hub write docker\.io\/library\/nginx/],
    ['acme/app', /for Docker Hub write docker\.io\/acme\/app/],
    ['ghcr.io/*', /wildcards are not supported/],
    ['*.gcr.io', /wildcards are not supported/],
    ['ghcr.io/acme/', /empty path component/],
    ['ghcr.io//acme', /empty path component/],
    ['ghcr.io/acme/app:1.0', /a tag or digest cannot be part of an entry/],
    ['ghcr.io/acme@sha256:abc', /a tag or digest cannot be part of an entry/],
    ['ghcr.io/Acme', /path component "Acme" is not a valid/],
    ['bad_host.io', /registry host "bad_host.io" is invalid/],
    ['https://ghcr.io', /registry host "https:" is invalid/],
    ['x'.repeat(600), /longer than 512/],
  ];
  for (const [entry, message] of invalid) {
    it(`rejects ${JSON.stringify(entry.slice(0, 40))}`, () => assert.throws(() => parseRegistryPrefix(entry), message));
  }
});

describe('RegistryAllowList', () => {
  const list = new RegistryAllowList(['ghcr.io/acme', 'docker.io/library', 'localhost:5000']);
  const allowed = (image: string) => list.match(parseImageReference(image))?.entry;

  it('matches whole path components of normalised references', () => {
    assert.equal(allowed('ghcr.io/acme/api:1'), 'ghcr.io/acme');
    assert.equal(allowed('ghcr.io/acme'), 'ghcr.io/acme');
    assert.equal(allowed('nginx'), 'docker.io/library');
    assert.equal(allowed('index.docker.io/library/redis'), 'docker.io/library');
    assert.equal(allowed('localhost:5000/anything/deep:1'), 'localhost:5000');
    assert.equal(allowed('ghcr.io/acmecorp/api'), undefined);
    assert.equal(allowed('ghcr.io/acme-evil/api'), undefined);
    assert.equal(allowed('bitnami/redis'), undefined);
    assert.equal(allowed('localhost/x'), undefined);
    assert.equal(allowed('localhost:5001/x'), undefined);
  });

  it('names the bad entry by index', () => {
    assert.throws(() => new RegistryAllowList(['ghcr.io', 'quay.io/x/']), /^Error: allowed registry \[1\] "quay.io\/x\/": has an empty path component/);
  });
});
