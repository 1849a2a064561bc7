// `AdmissionConfiguration` (gatehouse.dev/v1alpha1): the operator's settings for `gatehouse admission` and
// `gatehouse audit`. Every field is optional; problems are reported together, each with its field path.
import { ConfigError } from '../config/config-error.js';
import { Field, Issues, type ObjectReader } from '../config/fields.js';
import { readConfigFile } from '../config/load.js';
import { readObjectHeader } from '../config/object-header.js';
import { checkQualifiedName } from '../config/validators.js';
import { parseApiVersion, resourceOfObject } from '../kube/matching/resources.js';
import { parseRegistryPrefix } from '../policy/builtin/registry-allow-list.js';
import { parsePssSelector, type PssSelector } from '../policy/pss/index.js';
import type { WatchedKind } from './cluster-cache.js';
import { DEFAULT_SETTINGS, type AdmissionSettings } from './config.js';
import { PSS_DEFAULTS, type PssDefault } from './mutation/pss-defaults.js';

export const ADMISSION_CONFIGURATION_KIND = 'AdmissionConfiguration';
const MAX_LIST = 1000;
/** The API server allows webhook timeouts up to 30 s; the deadline must leave room below that. */
const MAX_DEADLINE_MS = 29_000;

export async function loadAdmissionConfiguration(file: string): Promise<AdmissionSettings> {
  return readAdmissionConfiguration(await readConfigFile(file), file);
}

/** Validates a parsed document into settings; throws ConfigError listing every problem. */
export function readAdmissionConfiguration(value: unknown, file: string): AdmissionSettings {
  const issues = new Issues();
  const doc = new Field(value, '', issues).object();
  const settings: AdmissionSettings = { ...DEFAULT_SETTINGS, limits: { ...DEFAULT_SETTINGS.limits }, podSecurity: { ...DEFAULT_SETTINGS.podSecurity } };
  if (doc) {
    readObjectHeader(doc, ADMISSION_CONFIGURATION_KIND);
    const failurePolicy = doc.field('failurePolicy')?.string({ oneOf: ['Fail', 'Ignore'] });
    if (failurePolicy) settings.failurePolicy = failurePolicy as AdmissionSettings['failurePolicy'];
    const deadline = doc.field('deadlineMilliseconds')?.integer({ min: 100, max: MAX_DEADLINE_MS });
    if (deadline !== undefined) settings.deadlineMs = deadline;
    readPodSecurity(doc.field('podSecurity')?.object(), settings);
    readBuiltin(doc.field('builtin')?.object(), settings);
    readMutation(doc.field('mutation')?.object(), settings);
    const exemptions = doc.field('exemptions')?.object();
    if (exemptions) {
      const groups = exemptions.field('groups')?.list((item) => item.string({ maxLength: 253 }), { unique: true, maxItems: MAX_LIST });
      if (groups) settings.exemptionGroups = new Set(groups);
      exemptions.finish();
    }
    const kinds = doc.field('paramKinds')?.list(readParamKind, { maxItems: 64 });
    if (kinds) settings.paramKinds = kinds;
    readLimits(doc.field('limits')?.object(), settings);
    doc.finish();
  }
  if (!issues.empty) throw new ConfigError(file, issues.list);
  return settings;
}

function pssSelector(field: Field | undefined): PssSelector | null | undefined {
  const text = field?.string();
  if (text === undefined) return undefined;
  try {
    return parsePssSelector(text);
  } catch (err) {
    return field!.problem((err as Error).message);
  }
}

function readPodSecurity(reader: ObjectReader | undefined, settings: AdmissionSettings): void {
  if (!reader) return;
  const enforce = pssSelector(reader.field('enforce'));
  if (enforce !== undefined) settings.podSecurity.enforce = enforce;
  const warn = pssSelector(reader.field('warn'));
  if (warn !== undefined) settings.podSecurity.warn = warn;
  reader.finish();
}

function readBuiltin(reader: ObjectReader | undefined, settings: AdmissionSettings): void {
  if (!reader) return;
  const enabled = reader.field('enabled')?.boolean() ?? true;
  const builtin: NonNullable<AdmissionSettings['builtin']> = {};
  const registries = reader.field('allowedRegistries')?.list((item) => item.string({
    check: (entry) => {
      try {
        parseRegistryPrefix(entry);
        return undefined;
      } catch (err) {
        return `${JSON.stringify(entry)} ${(err as Error).message}`;
      }
    },
  }), { nonEmpty: true, unique: true, maxItems: MAX_LIST });
  if (registries) builtin.allowedRegistries = registries;
  const labels = reader.field('requiredLabels')?.list((item) => item.string({ check: checkQualifiedName }), { unique: true, maxItems: MAX_LIST });
  if (labels) builtin.requiredLabels = labels;
  reader.finish();
  settings.builtin = enabled ? builtin : null;
}

function readMutation(reader: ObjectReader | undefined, settings: AdmissionSettings): void {
  if (!reader) return;
  const defaults = reader.field('defaults')?.list((item) => item.string({ oneOf: PSS_DEFAULTS }) as PssDefault | undefined, { unique: true });
  if (defaults) settings.mutationDefaults = new Set(defaults);
  reader.finish();
}

function readParamKind(item: Field): WatchedKind | undefined {
  const reader = item.object();
  if (!reader) return undefined;
  const apiVersion = reader.field('apiVersion', { required: true })?.string({ maxLength: 253 });
  const kind = reader.field('kind', { required: true })?.string({ maxLength: 63 });
  const resource = reader.field('resource')?.string({ maxLength: 63 });
  reader.finish();
  if (apiVersion === undefined || kind === undefined) return undefined;
  if (kind === 'Secret') return item.problem('Secrets cannot be policy parameters: Gatehouse never caches Secrets');
  const { group, version } = parseApiVersion(apiVersion);
  if (group === '' && kind !== 'ConfigMap') return item.problem(`${kind}: only ConfigMap can be a parameter kind from the core group`);
  return { group, version, kind, plural: resource ?? resourceOfObject({ apiVersion, kind, metadata: {} }).resource };
}

function readLimits(reader: ObjectReader | undefined, settings: AdmissionSettings): void {
  if (!reader) return;
  const bytes = reader.field('maxRequestBytes')?.integer({ min: 64 * 1024, max: 64 * 1024 * 1024 });
  if (bytes !== undefined) settings.limits.maxRequestBytes = bytes;
  const depth = reader.field('maxJsonDepth')?.integer({ min: 16, max: 1000 });
  if (depth !== undefined) settings.limits.maxJsonDepth = depth;
  reader.finish();
}
