// The order in which results deserve attention: errors, failures, warnings, skips, passes; within each, the most
// severe first. Used to list a resource's findings and to choose what a capped report keeps.
import type { PolicyResult, ResultStatus } from '../policy/result.js';
import { severityRank } from '../policy/result.js';

const STATUS_ORDER: Record<ResultStatus, number> = { error: 0, fail: 1, warn: 2, skip: 3, pass: 4 };

export function byImportance(a: PolicyResult, b: PolicyResult): number {
  return STATUS_ORDER[a.result] - STATUS_ORDER[b.result] || severityRank(b.severity) - severityRank(a.severity);
}
