// Per-run counters a streaming formatter keeps instead of the results themselves: results per status and failures
// per severity.
import type { PolicyResult, ResultSummary, Severity } from '../policy/result.js';
import { emptySummary } from '../policy/result.js';

export class ResultTally {
  readonly summary: ResultSummary = emptySummary();
  readonly failBySeverity: Record<Severity, number> = { info: 0, low: 0, medium: 0, high: 0, critical: 0 };
  total = 0;

  add(r: PolicyResult): void {
    this.summary[r.result]++;
    if (r.result === 'fail') this.failBySeverity[r.severity]++;
    this.total++;
  }
}
