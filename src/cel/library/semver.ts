// Kubernetes' semver library: semver(s[, normalize]), isSemver(s[, normalize]), major(), minor(), patch(),
// isLessThan(), isGreaterThan(), compareTo(); `==` compares by precedence (build metadata ignored).
import { celError } from '../fail.js';
import type { CelLibrary } from '../library.js';

const NUMERIC = '0|[1-9]\\d*';
const IDENT = '[0-9A-Za-z-]+';
const SEMVER = new RegExp(`^(${NUMERIC})\\.(${NUMERIC})\\.(${NUMERIC})(?:-(${IDENT}(?:\\.${IDENT})*))?(?:\\+(${IDENT}(?:\\.${IDENT})*))?$`);

export class Semver {
  constructor(
    readonly major: bigint,
    readonly minor: bigint,
    readonly patch: bigint,
    readonly pre: readonly string[],
    readonly build: readonly string[],
  ) {}

  compare(other: Semver): number {
    for (const k of ['major', 'minor', 'patch'] as const) {
      if (this[k] !== other[k]) return this[k] < other[k] ? -1 : 1;
    }
    if (this.pre.length === 0 || other.pre.length === 0) return Math.sign(other.pre.length - this.pre.length);
    for (let i = 0; i < Math.min(this.pre.length, other.pre.length); i++) {
      const c = comparePre(this.pre[i]!, other.pre[i]!);
      if (c !== 0) return c;
    }
    return Math.sign(this.pre.length - other.pre.length);
  }

  equals(other: unknown): boolean {
    return other instanceof Semver && this.compare(other) === 0;
  }

  toString(): string {
    const pre = this.pre.length ? `-${this.pre.join('.')}` : '';
    const build = this.build.length ? `+${this.build.join('.')}` : '';
    return `${this.major}.${this.minor}.${this.patch}${pre}${build}`;
  }
}

function comparePre(a: string, b: string): number {
  const na = /^\d+$/.test(a);
  const nb = /^\d+$/.test(b);
  if (na && nb) return Math.sign(Number(BigInt(a) - BigInt(b)));
  if (na !== nb) return na ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function parseSemver(text: string, normalize = false): Semver {
  const input = normalize ? normalized(text) : text;
  const m = SEMVER.exec(input);
  if (!m || text.length > 256) throw new Error(`invalid semver ${JSON.stringify(text)}`);
  const pre = m[4] ? m[4].split('.') : [];
  // Numeric pre-release identifiers must not have leading zeros.
  if (pre.some((p) => /^0\d+$/.test(p))) throw new Error(`invalid semver ${JSON.stringify(text)}: leading zero in pre-release`);
  return new Semver(BigInt(m[1]!), BigInt(m[2]!), BigInt(m[3]!), pre, m[5] ? m[5].split('.') : []);
}

/** Drops a leading "v", fills a missing minor/patch with 0 and strips leading zeros of the core numbers. */
function normalized(text: string): string {
  let s = text.startsWith('v') ? text.slice(1) : text;
  const extra = /[-+]/.exec(s);
  const core = extra ? s.slice(0, extra.index) : s;
  const rest = extra ? s.slice(extra.index) : '';
  const parts = core.split('.');
  if (parts.length > 3 || parts.some((p) => !/^\d+$/.test(p))) return text;
  while (parts.length < 3) parts.push('0');
  s = parts.map((p) => p.replace(/^0+(?=\d)/, '')).join('.') + rest;
  return s;
}

function semver(text: string, normalize = false): Semver {
  try {
    return parseSemver(text, normalize);
  } catch (error) {
    throw celError(error instanceof Error ? error.message : String(error));
  }
}

function isSemver(text: string, normalize = false): boolean {
  try {
    parseSemver(text, normalize);
    return true;
  } catch {
    return false;
  }
}

const T = 'kubernetes.Semver';

export const semverLibrary: CelLibrary = {
  name: 'kubernetes.semver',
  types: [{ name: T, ctor: Semver }],
  operators: [{ signature: `${T} == ${T}`, handler: (a: Semver, b: Semver) => a.equals(b) }],
  functions: [
    { signature: `semver(string): ${T}`, handler: (s: string) => semver(s) },
    { signature: `semver(string, bool): ${T}`, handler: semver },
    { signature: 'isSemver(string): bool', handler: (s: string) => isSemver(s) },
    { signature: 'isSemver(string, bool): bool', handler: isSemver },
    { signature: `${T}.major(): int`, handler: (v: Semver) => v.major },
    { signature: `${T}.minor(): int`, handler: (v: Semver) => v.minor },
    { signature: `${T}.patch(): int`, handler: (v: Semver) => v.patch },
    { signature: `${T}.isLessThan(${T}): bool`, handler: (a: Semver, b: Semver) => a.compare(b) < 0 },
    { signature: `${T}.isGreaterThan(${T}): bool`, handler: (a: Semver, b: Semver) => a.compare(b) > 0 },
    { signature: `${T}.compareTo(${T}): int`, handler: (a: Semver, b: Semver) => BigInt(a.compare(b)) },
  ],
};
