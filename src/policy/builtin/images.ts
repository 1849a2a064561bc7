// The image of every container, parsed once per distinct string (manifests repeat the same few images thousands of
// times) and once per pod template (three rules look at each).
import { MAX_REFERENCE_LENGTH, quoteReference, tryParseImageReference, type ImageReference } from '../../kube/image-reference.js';
import type { PodTemplate } from '../../kube/pod-template.js';
import type { RuleOutcome } from '../policy.js';
import { containersAt, countLabel, type ContainerAt } from './containers.js';
import { verdict, type Finding } from './findings.js';

export interface ContainerImage extends ContainerAt {
  image: string;
  reference: ImageReference;
}

type Parsed = { reference: ImageReference } | { error: string };

const CACHE_LIMIT = 4096;
const cache = new Map<string, Parsed>();

function toParsed(result: ReturnType<typeof tryParseImageReference>): Parsed {
  return result.ok ? { reference: result.reference } : { error: result.error.reason };
}

function parse(image: string): Parsed {
  let parsed = cache.get(image);
  if (parsed === undefined) {
    if (image.length > MAX_REFERENCE_LENGTH) return toParsed(tryParseImageReference(image)); // rejected at once; not worth keeping
    // A string read from a manifest can be a slice of the whole file: cache a copy, so the cache keeps no file alive.
    const own = Buffer.from(image, 'utf8').toString('utf8');
    parsed = toParsed(tryParseImageReference(own));
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(own, parsed);
  }
  return parsed;
}

const memo = new WeakMap<PodTemplate, { images: ContainerImage[]; invalid: Finding[] }>();

/**
 * Every container's parsed image. Containers whose image is missing or not a valid reference become findings: no
 * rule about images can pass what cannot be pulled or judged.
 */
export function containerImages(pod: PodTemplate): { images: readonly ContainerImage[]; invalid: readonly Finding[] } {
  const known = memo.get(pod);
  if (known) return known;
  const images: ContainerImage[] = [];
  const invalid: Finding[] = [];
  for (const at of containersAt(pod)) {
    const image = at.container.image;
    const path = `${at.path}.image`;
    if (typeof image !== 'string' || image === '') {
      invalid.push({ message: `${at.label} has no image`, path });
      continue;
    }
    const parsed = parse(image);
    if ('error' in parsed) invalid.push({ message: `${at.label} image ${quoteReference(image)} is not a valid image reference: ${parsed.error}`, path });
    else images.push({ ...at, image, reference: parsed.reference });
  }
  const result = { images, invalid };
  memo.set(pod, result);
  return result;
}

/**
 * The outcome of an image rule: every invalid image fails, and every valid one for which `problem` names what is
 * wrong (relative to "<container> image "<ref>" …"); otherwise a pass that counts the images, e.g. "2 images pinned by digest".
 */
export function judgeImages(rule: string, pod: PodTemplate, problem: (image: ContainerImage) => string | undefined, passedAs: string): RuleOutcome[] {
  const { images, invalid } = containerImages(pod);
  const findings: Finding[] = [...invalid];
  for (const image of images) {
    const what = problem(image);
    if (what !== undefined) findings.push({ path: `${image.path}.image`, message: `${image.label} image "${image.image}" ${what}` });
  }
  return verdict(rule, findings, `${countLabel(images.length, 'image')} ${passedAs}`);
}
