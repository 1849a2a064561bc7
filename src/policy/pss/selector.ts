// Parses the `--pss` selector: `baseline|restricted[:vX.Y|:latest]`, or `none` (and PSA's `privileged`) for no checks.
import type { PssSelector } from './evaluate.js';
import type { PssLevel } from './check.js';
import { isPssVersion } from './version.js';

const ACCEPTED = 'baseline or restricted, optionally with :v1.N or :latest (e.g. restricted:v1.30), or none';
const MAX_SELECTOR_LENGTH = 64;

function describe(text: string): string {
  return JSON.stringify(text.length > MAX_SELECTOR_LENGTH ? `${text.slice(0, MAX_SELECTOR_LENGTH)}…` : text);
}

/** `{ level, version }`, or null when Pod Security Standards are switched off. Throws naming the bad value. */
export function parsePssSelector(text: string): PssSelector | null {
  const trimmed = text.trim();
  if (trimmed === 'none' || trimmed === 'privileged') return null;
  const colon = trimmed.indexOf(':');
  const level = colon < 0 ? trimmed : trimmed.slice(0, colon);
  const version = colon < 0 ? 'latest' : trimmed.slice(colon + 1);
  if (level !== 'baseline' && level !== 'restricted') {
    throw new Error(`invalid Pod Security Standards selector ${describe(text)}: unknown level ${describe(level)}; expected ${ACCEPTED}`);
  }
  if (trimmed.length > MAX_SELECTOR_LENGTH || !isPssVersion(version)) {
    throw new Error(`invalid Pod Security Standards selector ${describe(text)}: bad version ${describe(version)}; expected ${ACCEPTED}`);
  }
  return { level: level satisfies PssLevel, version };
}
