// Seed 001: a `latest` (or absent) tag means whatever was pushed last runs — including an untrusted push — and
// two nodes may run different code. A digest pins the content, so a digested image passes whatever its tag.
import { judgeImages } from '../images.js';
import type { BuiltinRule } from '../rule.js';

const ID = 'image-latest-tag';

export const imageLatestTag: BuiltinRule = {
  id: ID,
  severity: 'medium',
  category: 'Supply chain',
  seed: '001',
  description: 'Images tagged latest (or untagged, which means latest) change under the workload: what runs is whatever was pushed last.',
  remediation: 'Reference an immutable version tag, or better a digest (image@sha256:…), produced by the release pipeline.',
  appliesTo: ['workload'],
  check(subject) {
    if (subject.type !== 'workload') return [];
    return judgeImages(ID, subject.pod, ({ reference }) => {
      if (reference.digest !== undefined) return undefined;
      if (reference.tag === undefined) return 'has no tag, which means :latest';
      return reference.tag === 'latest' ? 'uses the latest tag' : undefined;
    }, 'with a version tag or digest');
  },
};
