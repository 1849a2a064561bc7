import { test } from 'node:test';
import assert from 'node:assert/strict';
import { outcome, spec } from '../support.js';

test('restrictedVolumes: the nine allowed sources pass, and a volume without a source is an emptyDir', () => {
  const volumes = [
    { name: 'a', configMap: { name: 'c' } }, { name: 'b', csi: { driver: 'd' } }, { name: 'c', downwardAPI: {} },
    { name: 'd', emptyDir: {} }, { name: 'e', ephemeral: { volumeClaimTemplate: {} } }, { name: 'f', image: { reference: 'r' } },
    { name: 'g', persistentVolumeClaim: { claimName: 'p' } }, { name: 'h', projected: { sources: [] } },
    { name: 'i', secret: { secretName: 's' } }, { name: 'implicit' },
  ];
  assert.equal(outcome('restrictedVolumes', 'v1.0', spec({ volumes })), 'allowed');
});

test('restrictedVolumes: names the volumes and their types, sorted and deduplicated', () => {
  const volumes = [{ name: 'host', hostPath: { path: '/' } }, { name: 'share', nfs: { server: 's', path: '/' } },
    { name: 'repo', gitRepo: { repository: 'r' } }, { name: 'host2', hostPath: { path: '/etc' } }];
  assert.equal(outcome('restrictedVolumes', 'latest', spec({ volumes })),
    'restricted volume types (volumes "host", "share", "repo", "host2" use restricted volume types "gitRepo", "hostPath", "nfs")');
  assert.equal(outcome('restrictedVolumes', 'latest', spec({ volumes: [{ name: 'data', hostPath: { path: '/data' } }] })),
    'restricted volume types (volume "data" uses restricted volume type "hostPath")');
});

test('restrictedVolumes: an allowed source beside a restricted one does not hide it from hostPathVolumes at baseline', () => {
  const volumes = [{ name: 'mixed', emptyDir: {}, hostPath: { path: '/' } }];
  assert.equal(outcome('restrictedVolumes', 'latest', spec({ volumes })), 'allowed');
  assert.equal(outcome('hostPathVolumes', 'latest', spec({ volumes })), 'hostPath volumes (volume "mixed")');
});
