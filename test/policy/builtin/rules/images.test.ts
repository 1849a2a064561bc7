import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { container, outcomesOf, pathsOf, pod, podSpec, service, workloads } from '../support.js';

const DIGEST = `sha256:${'b'.repeat(64)}`;

function withImages(...images: (string | undefined)[]): ReturnType<typeof podSpec> {
  return podSpec({ containers: images.map((image, i) => container({ name: `c${i}`, image })) });
}

describe('image-latest-tag', () => {
  const rule = 'image-latest-tag';

  it('fails latest and untagged images, in every workload kind', () => {
    for (const { object, specPath } of workloads(withImages('nginx', 'ghcr.io/acme/api:latest', 'ghcr.io/acme/api:1.2'))) {
      assert.deepEqual(outcomesOf(rule, object), [
        { result: 'fail', message: `container "c0" (${specPath}.containers[0]) image "nginx" has no tag, which means :latest` },
        { result: 'fail', message: `container "c1" (${specPath}.containers[1]) image "ghcr.io/acme/api:latest" uses the latest tag` },
      ], object.kind);
    }
  });

  it('passes version tags and digests (a digest pins even a latest tag)', () => {
    assert.deepEqual(outcomesOf(rule, pod(withImages('nginx:1.27', `nginx@${DIGEST}`, `nginx:latest@${DIGEST}`))), [
      { result: 'pass', message: '3 images with a version tag or digest' },
    ]);
  });

  it('checks init and ephemeral containers too', () => {
    const spec = podSpec({ initContainers: [container({ name: 'init', image: 'busybox' })], ephemeralContainers: [{ name: 'debug', image: 'busybox:latest' }] });
    assert.deepEqual(pathsOf(rule, pod(spec)), ['spec.initContainers[0].image', 'spec.ephemeralContainers[0].image']);
  });

  it('fails missing and invalid images rather than passing them', () => {
    assert.deepEqual(outcomesOf(rule, pod(withImages(undefined, 'NGINX:1'))), [
      { result: 'fail', message: 'container "c0" (spec.containers[0]) has no image' },
      { result: 'fail', message: 'container "c1" (spec.containers[1]) image "NGINX:1" is not a valid image reference: repository name "library/NGINX" must be lowercase' },
    ]);
  });
});

describe('image-not-pinned-by-digest', () => {
  const rule = 'image-not-pinned-by-digest';

  it('fails images without a digest', () => {
    assert.deepEqual(outcomesOf(rule, pod(withImages('nginx:1.27', `ghcr.io/acme/api@${DIGEST}`))), [
      { result: 'fail', message: 'container "c0" (spec.containers[0]) image "nginx:1.27" is not pinned by digest' },
    ]);
  });

  it('passes digests', () => {
    assert.deepEqual(outcomesOf(rule, pod(withImages(`ghcr.io/acme/api:1@${DIGEST}`))), [{ result: 'pass', message: '1 image pinned by digest' }]);
  });

  it('fails a malformed digest', () => {
    assert.match(outcomesOf(rule, pod(withImages('nginx@sha256:1234')))[0]!.message, /is not a valid image reference: digest "sha256:1234" is invalid/);
  });
});

describe('image-registry-not-allowed', () => {
  const rule = 'image-registry-not-allowed';
  const options = { allowedRegistries: ['ghcr.io/acme', 'registry.internal:5000', 'docker.io/library'] };

  it('skips once when no allow-list is configured', () => {
    assert.deepEqual(outcomesOf(rule, pod()), [{ result: 'skip', message: 'no registry allow-list configured (registries.allowed in the ScanConfiguration)' }]);
  });

  it('passes images under an allowed host or prefix, compared in normalised form', () => {
    const spec = withImages('ghcr.io/acme/api:1', 'ghcr.io/acme/team/worker:2', 'registry.internal:5000/x/y:3', 'nginx:1.27', 'docker.io/library/redis:7', 'GHCR.IO/acme/api:1');
    assert.deepEqual(outcomesOf(rule, pod(spec), options), [{ result: 'pass', message: '6 images from allowed registries' }]);
  });

  it('fails other registries, sibling prefixes and other ports', () => {
    const spec = withImages('ghcr.io/acme-evil/api:1', 'ghcr.io/other/api:1', 'registry.internal/x:1', 'bitnami/redis:7', 'evil.example.com/acme/api:1');
    assert.deepEqual(outcomesOf(rule, pod(spec), options), [
      { result: 'fail', message: 'container "c0" (spec.containers[0]) image "ghcr.io/acme-evil/api:1" (ghcr.io/acme-evil/api) is not from an allowed registry' },
      { result: 'fail', message: 'container "c1" (spec.containers[1]) image "ghcr.io/other/api:1" (ghcr.io/other/api) is not from an allowed registry' },
      { result: 'fail', message: 'container "c2" (spec.containers[2]) image "registry.internal/x:1" (registry.internal/x) is not from an allowed registry' },
      { result: 'fail', message: 'container "c3" (spec.containers[3]) image "bitnami/redis:7" (docker.io/bitnami/redis) is not from an allowed registry' },
      { result: 'fail', message: 'container "c4" (spec.containers[4]) image "evil.example.com/acme/api:1" (evil.example.com/acme/api) is not from an allowed registry' },
    ]);
  });

  it('fails closed on invalid images and checks every container kind', () => {
    const spec = podSpec({
      initContainers: [container({ name: 'init', image: 'quay.io/x/y:1' })],
      containers: [container({ image: 'ghcr.io/acme/api:1' })],
      ephemeralContainers: [{ name: 'debug', image: 'https://evil/x' }],
    });
    assert.deepEqual(pathsOf(rule, pod(spec), options), ['spec.ephemeralContainers[0].image', 'spec.initContainers[0].image']);
  });

  it('an empty allow-list admits nothing', () => {
    assert.equal(outcomesOf(rule, pod(), { allowedRegistries: [] })[0]!.result, 'fail');
  });

  it('does not apply to a Service', () => {
    assert.deepEqual(outcomesOf(rule, service({}), options), []);
  });
});
