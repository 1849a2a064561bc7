// The Kyverno rule features Gatehouse does not evaluate. A rule using any of them is reported by name.

/** The first unsupported feature of a ClusterPolicy rule, or undefined for a plain `validate.cel` rule. */
export function unsupportedFeatureOf(rule: Record<string, unknown>): string | undefined {
  for (const kind of ['mutate', 'generate', 'verifyImages'] as const) if (rule[kind] !== undefined) return kind;
  const validate = rule.validate as Record<string, unknown> | undefined;
  if (!validate || typeof validate !== 'object') return 'a rule without validate';
  for (const key of ['pattern', 'anyPattern', 'deny', 'foreach', 'podSecurity', 'manifests', 'assert'] as const) {
    if (validate[key] !== undefined) return key === 'podSecurity' || key === 'manifests' || key === 'assert' ? `validate.${key}` : `validate.${key} (JMESPath)`;
  }
  if (validate.cel === undefined || validate.cel === null) return 'a validate rule without cel';
  if (rule.preconditions !== undefined) return 'preconditions (JMESPath)';
  if (Array.isArray(rule.context) && rule.context.length > 0) return 'context entries (JMESPath)';
  return undefined;
}
