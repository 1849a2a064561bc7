import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { artifactUri } from '../../src/report/artifact-uri.js';

describe('artifactUri', () => {
  it('makes paths relative to the base with forward slashes', () => {
    assert.equal(artifactUri('deploy/app.yaml', '/repo'), 'deploy/app.yaml');
    assert.equal(artifactUri('./deploy/../deploy/app.yaml', '/repo'), 'deploy/app.yaml');
    assert.equal(artifactUri('/repo/charts/x/templates/d.yaml', '/repo'), 'charts/x/templates/d.yaml');
  });

  it('percent-encodes each segment', () => {
    assert.equal(artifactUri('my dir/a#b?.yaml', '/repo'), 'my%20dir/a%23b%3F.yaml');
    assert.equal(artifactUri('ünï/ø.yaml', '/repo'), '%C3%BCn%C3%AF/%C3%B8.yaml');
  });

  it('uses an absolute file URI for files outside the base', () => {
    assert.equal(artifactUri('/etc/k8s/pod.yaml', '/repo'), 'file:///etc/k8s/pod.yaml');
    assert.equal(artifactUri('../other/pod.yaml', '/repo/sub'), 'file:///repo/other/pod.yaml');
  });
});
