// Assembles the checks that apply at each level and policy version, as Pod Security Admission's check registry
// does: every check contributes the newest implementation at or below the version; restricted runs every baseline
// check except those a restricted implementation overrides at that version, then its own. Order: baseline IDs
// sorted, then restricted IDs sorted, so messages list violations in PSA's order.
import type { CheckFn, PssCheck, PssLevel } from './check.js';

/** One check as it runs at a given level and version. */
export interface ActiveCheck {
  readonly info: PssCheck;
  readonly check: CheckFn;
  readonly overrides: readonly string[];
}

function validate(checks: readonly PssCheck[]): void {
  const levels = new Map<string, PssLevel>();
  for (const check of checks) {
    if (levels.has(check.id)) throw new Error(`multiple Pod Security checks registered for ID ${check.id}`);
    levels.set(check.id, check.level);
    if (check.versions.length === 0) throw new Error(`Pod Security check ${check.id}: no versions`);
    let previous = -1;
    for (const version of check.versions) {
      if (!Number.isInteger(version.minVersion) || version.minVersion <= previous) {
        throw new Error(`Pod Security check ${check.id}: versions must be strictly increasing minor numbers`);
      }
      previous = version.minVersion;
    }
  }
  for (const check of checks) {
    for (const version of check.versions) {
      for (const id of version.overrides ?? []) {
        if (check.level !== 'restricted') throw new Error(`Pod Security check ${check.id}: only restricted checks may override`);
        if (levels.get(id) !== 'baseline') throw new Error(`Pod Security check ${check.id}: overrides ${id}, which is not a baseline check`);
      }
    }
  }
}

/** The implementation of `check` in force at `minor`, if the check exists yet. */
function implementationAt(check: PssCheck, minor: number): ActiveCheck | undefined {
  let found: ActiveCheck | undefined;
  for (const version of check.versions) {
    if (version.minVersion > minor) break;
    found = { info: check, check: version.check, overrides: version.overrides ?? [] };
  }
  return found;
}

export class PssRegistry {
  /** The newest policy version any check changed in: what `latest` means, and where newer versions clamp to. */
  readonly maxMinor: number;
  private readonly byLevel: Record<PssLevel, ActiveCheck[][]> = { baseline: [], restricted: [] };

  constructor(checks: readonly PssCheck[]) {
    validate(checks);
    this.maxMinor = Math.max(...checks.map((c) => c.versions[c.versions.length - 1]!.minVersion));
    const ordered = [...checks].sort((a, b) => (a.level === b.level ? (a.id < b.id ? -1 : 1) : a.level === 'baseline' ? -1 : 1));
    for (let minor = 0; minor <= this.maxMinor; minor++) {
      const active = ordered.flatMap((check) => implementationAt(check, minor) ?? []);
      const overridden = new Set(active.filter((a) => a.info.level === 'restricted').flatMap((a) => a.overrides));
      this.byLevel.baseline.push(active.filter((a) => a.info.level === 'baseline'));
      this.byLevel.restricted.push(active.filter((a) => a.info.level === 'restricted' || !overridden.has(a.info.id)));
    }
  }

  /** The checks for a level at a policy version (a minor number, clamped to the newest known). */
  checksAt(level: PssLevel, minor: number): readonly ActiveCheck[] {
    return this.byLevel[level][Math.min(Math.max(minor, 0), this.maxMinor)]!;
  }
}
