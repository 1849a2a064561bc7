// `kind: ScanConfiguration` (docs/configuration.md): which rules run and how severe they are, the registry
// allow-list and required labels of the built-in rules, and defaults for `--pss` and `--fail-on`.
// Validation is strict and all-or-nothing: every problem is reported with its field path, and nothing is returned
// unless the whole document is valid.
import type { RuleSettings } from '../policy/engine.js';
import type { BuiltinPolicyOptions } from '../policy/builtin/options.js';
import { parseRegistryPrefix } from '../policy/builtin/registry-allow-list.js';
import { parsePssSelector } from '../policy/pss/index.js';
import { SEVERITIES, type Severity } from '../policy/result.js';
import { ConfigError } from './config-error.js';
import { Field, Issues, type ObjectReader } from './fields.js';
import { readConfigFile } from './load.js';
import { readObjectHeader } from './object-header.js';
import { checkQualifiedName } from './validators.js';

export const SCAN_CONFIGURATION_KIND = 'ScanConfiguration';

/** The values `--fail-on` accepts. */
export type FailOn = Severity | 'none';
export const FAIL_ON_VALUES: readonly FailOn[] = ['none', ...SEVERITIES];

const MAX_LIST = 1000;

export interface ScanConfiguration {
  name?: string;
  ruleSettings: RuleSettings;
  builtin: BuiltinPolicyOptions;
  /** Default for `--pss`, validated by the same parser as the flag (`restricted:v1.30`, `baseline`, `none`…). */
  pss?: string;
  failOn?: FailOn;
}

/** The names a configuration may use for rules: every rule ID and `policy/rule` of the policies in use. */
export interface KnownRule {
  policy: string;
  rule: { id: string };
}

export async function loadScanConfiguration(file: string, knownRules: Iterable<KnownRule>): Promise<ScanConfiguration> {
  return readScanConfiguration(await readConfigFile(file), file, knownRules);
}

/** Validates a parsed document; throws ConfigError listing every problem. */
export function readScanConfiguration(value: unknown, file: string, knownRules: Iterable<KnownRule>): ScanConfiguration {
  const names = new Set<string>();
  for (const { policy, rule } of knownRules) {
    names.add(rule.id);
    names.add(`${policy}/${rule.id}`);
  }
  const issues = new Issues();
  const doc = new Field(value, '', issues).object();
  const config: ScanConfiguration = { ruleSettings: {}, builtin: {} };
  if (doc) {
    const name = readObjectHeader(doc, SCAN_CONFIGURATION_KIND);
    if (name !== undefined) config.name = name;
    const pss = doc.field('pss')?.string({ check: checkPssSelector });
    if (pss !== undefined) config.pss = pss;
    const failOn = doc.field('failOn')?.string({ oneOf: FAIL_ON_VALUES }) as FailOn | undefined;
    if (failOn !== undefined) config.failOn = failOn;
    readRules(doc.field('rules')?.object(), names, config);
    readRegistries(doc.field('registries')?.object(), config);
    readLabels(doc.field('labels')?.object(), config);
    doc.finish();
  }
  if (!issues.empty) throw new ConfigError(file, issues.list);
  return config;
}

function readRules(rules: ObjectReader | undefined, names: ReadonlySet<string>, config: ScanConfiguration): void {
  if (!rules) return;
  const ruleName = (field: Field, name: string) => (names.has(name) ? name : field.problem(`unknown rule ${JSON.stringify(name)}`));
  const disabled = rules.field('disabled')?.list((item) => {
    const name = item.string();
    return name === undefined ? undefined : ruleName(item, name);
  }, { unique: true, maxItems: MAX_LIST });
  if (disabled) config.ruleSettings.disabled = new Set(disabled);
  const severity = rules.field('severity')?.map((item, key) => {
    if (ruleName(item, key) === undefined) return undefined;
    return item.string({ oneOf: SEVERITIES }) as Severity | undefined;
  }, { maxEntries: MAX_LIST });
  if (severity) config.ruleSettings.severity = severity;
  rules.finish();
}

function readRegistries(registries: ObjectReader | undefined, config: ScanConfiguration): void {
  if (!registries) return;
  const allowed = registries.field('allowed')?.list((item) => item.string({ check: checkRegistryPrefix }), {
    nonEmpty: 'must list at least one registry; remove registries.allowed to leave the rule unconfigured',
    unique: true,
    maxItems: MAX_LIST,
  });
  if (allowed) config.builtin.allowedRegistries = allowed;
  registries.finish();
}

function readLabels(labels: ObjectReader | undefined, config: ScanConfiguration): void {
  if (!labels) return;
  const required = labels.field('required')?.list((item) => item.string({ check: checkQualifiedName }), {
    nonEmpty: 'must list at least one label key; to turn the check off, add required-labels to rules.disabled',
    unique: true,
    maxItems: MAX_LIST,
  });
  if (required) config.builtin.requiredLabels = required;
  labels.finish();
}

function checkPssSelector(selector: string): string | undefined {
  try {
    parsePssSelector(selector);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

function checkRegistryPrefix(entry: string): string | undefined {
  try {
    parseRegistryPrefix(entry);
    return undefined;
  } catch (err) {
    return `${JSON.stringify(entry)} ${(err as Error).message}`;
  }
}
