// The Kubernetes CEL libraries, in the order they are registered.
import type { CelLibrary } from '../library.js';
import { comprehensionsLibrary } from './comprehensions.js';
import { coreLibrary } from './core.js';
import { formatLibrary } from './format.js';
import { ipLibrary } from './ip.js';
import { listsLibrary } from './lists.js';
import { quantityLibrary } from './quantity.js';
import { regexLibrary } from './regex.js';
import { semverLibrary } from './semver.js';
import { stringsLibrary } from './strings.js';
import { timeLibrary } from './time.js';
import { urlLibrary } from './url.js';

export const KUBERNETES_LIBRARIES: readonly CelLibrary[] = [
  coreLibrary,
  stringsLibrary,
  listsLibrary,
  regexLibrary,
  urlLibrary,
  ipLibrary,
  quantityLibrary,
  semverLibrary,
  formatLibrary,
  timeLibrary,
  comprehensionsLibrary,
];
