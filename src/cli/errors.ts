// Exit codes every command shares: 0 clean, 1 findings at or above --fail-on (or test mismatches), 2 usage or input error.
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/** A problem with how Gatehouse was invoked or with what it was given; printed as one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A whole-number flag within [min, max]; anything else is a UsageError naming the flag. */
export function integerFlag(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${name}: must be an integer from ${min} to ${max} (got "${value}")`);
  return n;
}
