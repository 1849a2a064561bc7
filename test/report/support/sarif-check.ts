// Structural checks of a SARIF log against what SARIF 2.1.0 requires (required properties, enums, rule index
// consistency, unique tags) and what GitHub code scanning needs to accept it (a file:line location per result, a
// numeric security-severity, its upload limits). Returns the problems found, each naming its JSON path.
type Json = Record<string, unknown>;

const LEVELS = new Set(['none', 'note', 'warning', 'error']);

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkMessage(v: unknown, path: string, problems: string[]): void {
  if (!isObject(v) || (typeof v.text !== 'string' && typeof v.id !== 'string')) problems.push(`${path}: message needs text or id`);
}

function checkMultiformat(v: unknown, path: string, problems: string[]): void {
  if (v !== undefined && (!isObject(v) || typeof v.text !== 'string')) problems.push(`${path}: multiformatMessageString needs text`);
}

export function checkSarif(log: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(log)) return ['$: not an object'];
  if (log.version !== '2.1.0') problems.push('$.version must be "2.1.0"');
  if (typeof log.$schema !== 'string') problems.push('$.$schema should name the SARIF 2.1.0 schema');
  if (!Array.isArray(log.runs)) return [...problems, '$.runs must be an array'];
  if (log.runs.length > 20) problems.push('$.runs: GitHub accepts at most 20 runs');
  log.runs.forEach((run: unknown, r) => {
    const rp = `$.runs[${r}]`;
    if (!isObject(run) || !isObject(run.tool) || !isObject(run.tool.driver)) return problems.push(`${rp}.tool.driver is required`);
    const driver = run.tool.driver;
    if (typeof driver.name !== 'string' || driver.name === '') problems.push(`${rp}.tool.driver.name is required`);
    const rules = (driver.rules ?? []) as unknown[];
    if (!Array.isArray(rules)) return problems.push(`${rp}.tool.driver.rules must be an array`);
    const ids = new Set<string>();
    rules.forEach((rule, i) => {
      const path = `${rp}.tool.driver.rules[${i}]`;
      if (!isObject(rule) || typeof rule.id !== 'string') return problems.push(`${path}.id is required`);
      if (ids.has(rule.id)) problems.push(`${path}.id ${rule.id} is not unique`);
      ids.add(rule.id);
      for (const key of ['shortDescription', 'fullDescription', 'help']) checkMultiformat(rule[key], `${path}.${key}`, problems);
      const config = rule.defaultConfiguration;
      if (isObject(config) && config.level !== undefined && !LEVELS.has(config.level as string)) problems.push(`${path}.defaultConfiguration.level invalid`);
      const props = rule.properties;
      if (isObject(props)) {
        const score = Number(props['security-severity']);
        if (typeof props['security-severity'] !== 'string' || !(score >= 0 && score <= 10)) problems.push(`${path}.properties.security-severity must be a number 0–10`);
        const tags = props.tags;
        if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string') || new Set(tags).size !== tags.length) problems.push(`${path}.properties.tags must be unique strings`);
        else if (tags.length > 20) problems.push(`${path}.properties.tags: GitHub accepts at most 20`);
      }
    });
    const results = run.results as unknown[];
    if (!Array.isArray(results)) return problems.push(`${rp}.results must be an array`);
    results.forEach((result, i) => {
      const path = `${rp}.results[${i}]`;
      if (!isObject(result)) return problems.push(`${path}: not an object`);
      checkMessage(result.message, `${path}.message`, problems);
      if (result.level !== undefined && !LEVELS.has(result.level as string)) problems.push(`${path}.level invalid`);
      if (result.ruleIndex !== undefined) {
        const rule = rules[result.ruleIndex as number];
        if (!isObject(rule) || rule.id !== result.ruleId) problems.push(`${path}.ruleIndex does not point at rule ${String(result.ruleId)}`);
      }
      const locations = result.locations;
      if (!Array.isArray(locations) || locations.length === 0) return problems.push(`${path}.locations: GitHub needs at least one`);
      const physical = (locations[0] as Json).physicalLocation;
      if (!isObject(physical) || !isObject(physical.artifactLocation) || typeof physical.artifactLocation.uri !== 'string') {
        return problems.push(`${path}.locations[0].physicalLocation.artifactLocation.uri is required`);
      }
      try {
        new URL(physical.artifactLocation.uri, 'file:///base/');
      } catch {
        problems.push(`${path}: uri ${physical.artifactLocation.uri} is not a URI reference`);
      }
      if (/[\s\\]/.test(physical.artifactLocation.uri)) problems.push(`${path}: uri must be encoded with forward slashes`);
      const startLine = isObject(physical.region) ? physical.region.startLine : undefined;
      if (!Number.isInteger(startLine) || (startLine as number) < 1) problems.push(`${path}.locations[0].physicalLocation.region.startLine must be ≥ 1`);
      const fingerprints = result.partialFingerprints;
      if (fingerprints !== undefined && (!isObject(fingerprints) || Object.values(fingerprints).some((v) => typeof v !== 'string'))) {
        problems.push(`${path}.partialFingerprints values must be strings`);
      }
    });
    const invocations = (run.invocations ?? []) as unknown[];
    invocations.forEach((inv, i) => {
      const path = `${rp}.invocations[${i}]`;
      if (!isObject(inv) || typeof inv.executionSuccessful !== 'boolean') return problems.push(`${path}.executionSuccessful is required`);
      ((inv.toolExecutionNotifications ?? []) as unknown[]).forEach((n, j) => checkMessage((n as Json).message, `${path}.toolExecutionNotifications[${j}].message`, problems));
    });
  });
  return problems;
}
