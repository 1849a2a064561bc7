// Seeds 001 and 002: a tag is a movable pointer; only a digest names the exact content that was built, scanned and
// signed, so what was verified is what runs.
import { containerImages } from '../images.js';
import { countLabel } from '../containers.js';
import { verdict, type Finding } from '../findings.js';
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
    const { images, invalid } = containerImages(subject.pod);
    const findings: Finding[] = [...invalid];
    for (const { image, reference, label, path } of images) {
      if (reference.digest === undefined) findings.push({ path: `${path}.image`, message: `${label} image "${image}" is not pinned by digest` });
    }
    return verdict(ID, findings, `${countLabel(images.length, 'image')} pinned by digest`);
  },
};
