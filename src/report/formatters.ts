// The formats `--format` accepts, by name. `text` is the default.
import { formatJson } from './json.js';
import { formatJunit } from './junit.js';
import { formatPolicyReport } from './policyreport.js';
import type { Formatter } from './report.js';
import { formatSarif } from './sarif.js';
import { formatText } from './text.js';

export const FORMATTERS = {
  text: formatText,
  json: formatJson,
  sarif: formatSarif,
  junit: formatJunit,
  policyreport: formatPolicyReport,
} as const satisfies Record<string, Formatter>;

export type FormatName = keyof typeof FORMATTERS;
export const FORMAT_NAMES = Object.keys(FORMATTERS) as FormatName[];
export const DEFAULT_FORMAT: FormatName = 'text';

export function isFormatName(name: string): name is FormatName {
  return Object.hasOwn(FORMATTERS, name);
}

/** The formatter for a `--format` value, or undefined so the caller can report a usage error listing FORMAT_NAMES. */
export function formatterFor(name: string): Formatter | undefined {
  return isFormatName(name) ? FORMATTERS[name] : undefined;
}
