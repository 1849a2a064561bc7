// Runs Pod Security Admission's own fixtures (`{baseline,restricted}/v1.N/{pass,fail}/*.yaml`) through the engine:
// every `fail/` pod must be denied and every `pass/` pod allowed at that level and version.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseManifestText } from '../../kube/manifests.js';
import type { PssLevel } from './check.js';
import { evaluatePodSecurity, forbiddenSummary } from './evaluate.js';
import { isPssVersion, type PssVersion } from './version.js';

const LEVELS: readonly PssLevel[] = ['baseline', 'restricted'];
const EXPECTATIONS = ['pass', 'fail'] as const;

export interface ConformanceMismatch {
  /** Relative to the fixtures folder, e.g. `restricted/v1.30/fail/runasuser0.yaml`. */
  file: string;
  expected: 'allowed' | 'denied';
  /** What the engine said: `allowed`, or PSA's aggregated forbidden message. */
  actual: string;
}

export interface ConformanceReport {
  total: number;
  matched: number;
  /** Fixture count per level, for the summary. */
  byLevel: Record<PssLevel, number>;
  mismatches: ConformanceMismatch[];
}

function listDir(path: string): string[] {
  try {
    return readdirSync(path).sort();
  } catch {
    return [];
  }
}

export function runPssConformance(dir: string): ConformanceReport {
  const report: ConformanceReport = { total: 0, matched: 0, byLevel: { baseline: 0, restricted: 0 }, mismatches: [] };
  for (const level of LEVELS) {
    for (const version of listDir(join(dir, level))) {
      if (!isPssVersion(version)) continue;
      for (const expectation of EXPECTATIONS) {
        for (const name of listDir(join(dir, level, version, expectation)).filter((n) => n.endsWith('.yaml'))) {
          const file = join(level, version, expectation, name);
          const [entry] = parseManifestText(readFileSync(join(dir, file), 'utf8'), file);
          const pod = entry?.type === 'object' ? entry.object : undefined;
          const results = evaluatePodSecurity({ level, version: version as PssVersion }, pod?.metadata, pod?.spec);
          const denied = results.some((r) => !r.allowed);
          report.total++;
          report.byLevel[level]++;
          if (denied === (expectation === 'fail')) report.matched++;
          else report.mismatches.push({ file, expected: expectation === 'fail' ? 'denied' : 'allowed', actual: denied ? forbiddenSummary(results) : 'allowed' });
        }
      }
    }
  }
  return report;
}
