// What Kyverno policies say about themselves in annotations, mapped onto Gatehouse rule metadata.
import type { Severity } from '../result.js';

const SEVERITIES: Readonly<Record<string, Severity>> = { info: 'info', low: 'low', medium: 'medium', high: 'high', critical: 'critical' };

/** `policies.kyverno.io/severity`, medium when absent or unknown. */
export function severityOf(annotations: Readonly<Record<string, unknown>>): Severity {
  const value = annotations['policies.kyverno.io/severity'];
  return (typeof value === 'string' && SEVERITIES[value.toLowerCase()]) || 'medium';
}
