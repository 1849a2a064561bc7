// Small statistics helpers shared by the benchmarks. Every benchmark reports a ratio to a baseline measured in the
// same run, because absolute times on shared machines are noisy.
import { performance } from 'node:perf_hooks';

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function median(values: readonly number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

/** Runs `fn` `rounds` times (after `warmup` untimed runs) and returns each round's duration in milliseconds. */
export async function timeRounds(fn: () => unknown, rounds: number, warmup = 1): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    await fn();
    out.push(performance.now() - start);
  }
  return out;
}

/**
 * Interleaves the subject and its baseline round by round so both see the same machine load, and returns the
 * median of each and their ratio (subject / baseline).
 */
export async function compareToBaseline(
  subject: () => unknown,
  baseline: () => unknown,
  rounds: number,
): Promise<{ subjectMs: number; baselineMs: number; ratio: number }> {
  await subject();
  await baseline();
  const s: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < rounds; i++) {
    b.push(...(await timeRounds(baseline, 1, 0)));
    s.push(...(await timeRounds(subject, 1, 0)));
  }
  const subjectMs = median(s);
  const baselineMs = median(b);
  return { subjectMs, baselineMs, ratio: subjectMs / baselineMs };
}

export function fmt(value: number, digits = 2): string {
  return Number.isFinite(value) ? value.toFixed(digits) : String(value);
}
