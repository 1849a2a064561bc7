// Kubernetes label selectors (metav1.LabelSelector): `matchLabels` and `matchExpressions` are ANDed; an empty
// selector matches everything. Selectors come from policy files, so they are validated once at load with errors
// that name the field path, and matching never throws.

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

const OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/**
 * Checks a selector as written in a policy file; returns it typed, or the problems found (each naming `path`).
 * `undefined`/`null` are valid (no selector).
 */
export function parseLabelSelector(value: unknown, path: string): { selector?: LabelSelector; errors: string[] } {
  if (value === undefined || value === null) return { errors: [] };
  if (typeof value !== 'object' || Array.isArray(value)) return { errors: [`${path}: must be a mapping`] };
  const errors: string[] = [];
  const raw = value as Record<string, unknown>;
  const selector: LabelSelector = {};
  if (raw.matchLabels !== undefined && raw.matchLabels !== null) {
    const labels = raw.matchLabels;
    if (typeof labels !== 'object' || Array.isArray(labels)) errors.push(`${path}.matchLabels: must be a mapping`);
    else {
      selector.matchLabels = {};
      for (const [k, v] of Object.entries(labels as Record<string, unknown>)) {
        if (typeof v !== 'string') errors.push(`${path}.matchLabels.${k}: must be a string`);
        else selector.matchLabels[k] = v;
      }
    }
  }
  if (raw.matchExpressions !== undefined && raw.matchExpressions !== null) {
    if (!Array.isArray(raw.matchExpressions)) errors.push(`${path}.matchExpressions: must be a list`);
    else {
      selector.matchExpressions = [];
      raw.matchExpressions.forEach((item: unknown, i: number) => {
        const at = `${path}.matchExpressions[${i}]`;
        const req = item as Record<string, unknown> | null;
        if (typeof req !== 'object' || req === null) return void errors.push(`${at}: must be a mapping`);
        if (typeof req.key !== 'string' || req.key === '') return void errors.push(`${at}.key: must be a non-empty string`);
        if (typeof req.operator !== 'string' || !OPERATORS.has(req.operator)) {
          return void errors.push(`${at}.operator: must be one of In, NotIn, Exists, DoesNotExist`);
        }
        const values = req.values ?? [];
        if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) return void errors.push(`${at}.values: must be a list of strings`);
        const needsValues = req.operator === 'In' || req.operator === 'NotIn';
        if (needsValues && values.length === 0) return void errors.push(`${at}.values: must be non-empty for operator ${req.operator}`);
        if (!needsValues && values.length > 0) return void errors.push(`${at}.values: must be empty for operator ${req.operator}`);
        selector.matchExpressions!.push({ key: req.key, operator: req.operator as LabelSelectorRequirement['operator'], values: values as string[] });
      });
    }
  }
  return errors.length > 0 ? { errors } : { selector, errors };
}

/** Whether `labels` satisfy the selector. A missing selector matches everything, as an empty one does. */
export function matchesLabelSelector(selector: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector) return true;
  const have = labels ?? {};
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (!Object.hasOwn(have, key) || have[key] !== value) return false;
  }
  for (const req of selector.matchExpressions ?? []) {
    const present = Object.hasOwn(have, req.key);
    switch (req.operator) {
      case 'In':
        if (!present || !req.values!.includes(have[req.key]!)) return false;
        break;
      case 'NotIn':
        if (present && req.values!.includes(have[req.key]!)) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
    }
  }
  return true;
}

/** Labels of an object as a plain string map, ignoring non-string values a hand-written manifest may hold. */
export function labelsOf(object: { metadata?: { labels?: unknown } } | null | undefined): Record<string, string> {
  const raw = object?.metadata?.labels;
  const out: Record<string, string> = {};
  if (typeof raw !== 'object' || raw === null) return out;
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) if (typeof v === 'string') out[k] = v;
  return out;
}
