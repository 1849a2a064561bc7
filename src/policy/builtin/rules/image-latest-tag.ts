// Seed 001: a `latest` (or absent) tag means whatever was pushed last runs — including an untrusted push — and
// two nodes may run different code. A digest pins the content, so a digested image passes whatever its tag.
import { containerImages } from '../images.js';
import { countLabel } from '../containers.js';
import { verdict, type Finding } from '../findings.js';
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
    const { images, invalid } = containerImages(subject.pod);
    const findings: Finding[] = [...invalid];
    for (const { image, reference, label, path } of images) {
      if (reference.digest !== undefined) continue;
      if (reference.tag === undefined) findings.push({ path: `${path}.image`, message: `${label} image "${image}" has no tag, which means :latest` });
      else if (reference.tag === 'latest') findings.push({ path: `${path}.image`, message: `${label} image "${image}" uses the latest tag` });
    }
    return verdict(ID, findings, `${countLabel(images.length, 'image')} with a version tag or digest`);
  },
};
