// Every problem found in one configuration file, reported together: `file: path: message`, one per line.
import type { Issue } from './fields.js';

export class ConfigError extends Error {
  override name = 'ConfigError';

  constructor(
    readonly file: string,
    readonly issues: readonly Issue[],
  ) {
    super(issues.map((issue) => formatIssue(file, issue)).join('\n'));
  }
}

export function formatIssue(file: string, issue: Issue): string {
  const where = issue.line !== undefined ? `${file}:${issue.line}` : file;
  return issue.path === '' ? `${where}: ${issue.message}` : `${where}: ${issue.path}: ${issue.message}`;
}
