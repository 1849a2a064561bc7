// Seeds 001 and 002: a tag is a movable pointer; only a digest names the exact content that was built, scanned and
// signed, so what was verified is what runs.
import { judgeImages } from '../images.js';
import type { BuiltinRule } from '../rule.js';

const ID = 'image-not-pinned-by-digest';

export const imageNotPinnedByDigest: BuiltinRule = {
  id: ID,
  severity: 'low',
  category: 'Supply chain',
  seed: '002',
  description: 'A tag can be moved to different content; only a digest guarantees the image that was built, scanned and signed is the one that runs.',
  remediation: 'Pin images by digest (registry/repo:tag@sha256:…); let a tool such as a CI step or a mutating policy resolve tags to digests.',
  appliesTo: ['workload'],
  check(subject) {
    if (subject.type !== 'workload') return [];
    return judgeImages(ID, subject.pod, ({ reference }) => (reference.digest === undefined ? 'is not pinned by digest' : undefined), 'pinned by digest');
  },
};
