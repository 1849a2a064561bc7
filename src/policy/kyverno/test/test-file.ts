// The Kyverno CLI's test manifest (`cli.kyverno.io/v1alpha1` `Test`, in `kyverno-test.yaml`) and the files it names:
// values (`Values`), user info (`UserInfo`) and context (`Context`). Parsed strictly: an unknown shape is an input
// error naming the file and field, never a test that silently checks nothing.
import type { KubeObject } from '../../../kube/object.js';

export const TEST_API_VERSION = 'cli.kyverno.io/v1alpha1';
export const TEST_FILE_NAMES = ['kyverno-test.yaml', 'kyverno-test.yml'];

export type ExpectedResult = 'pass' | 'fail' | 'skip' | 'error' | 'warn';
const EXPECTED: ReadonlySet<string> = new Set(['pass', 'fail', 'skip', 'error', 'warn']);

export interface TestExpectation {
  policy: string;
  /** Absent for policy-level results (ValidatingPolicy, ValidatingAdmissionPolicy). */
  rule?: string;
  kind: string;
  /** `name` or `namespace/name`. */
  resources: string[];
  result: ExpectedResult;
  /** Results of ValidatingPolicy / ValidatingAdmissionPolicy tests are per policy; a `rule` there is ignored. */
  policyLevel: boolean;
  /** Set for mutation and generation expectations, which Gatehouse does not check. */
  mutation: boolean;
  /** Field path within the test file, for messages. */
  path: string;
}

export interface KyvernoTest {
  name: string;
  policies: string[];
  resources: string[];
  /** Values file (`variables:` in the manifest). */
  values?: string;
  userInfo?: string;
  context?: string;
  results: TestExpectation[];
}

export class TestFileError extends Error {
  override readonly name = 'TestFileError';
}

/** Validates a parsed `kyverno-test.yaml` document. Throws TestFileError naming the field. */
export function parseTestManifest(doc: unknown): KyvernoTest {
  const raw = record(doc, '');
  if (raw.apiVersion !== TEST_API_VERSION || raw.kind !== 'Test') {
    throw new TestFileError(`not a Kyverno test: expected apiVersion ${TEST_API_VERSION} and kind Test, found ${String(raw.apiVersion)} ${String(raw.kind)}`);
  }
  const metadata = raw.metadata === undefined ? {} : record(raw.metadata, 'metadata');
  const test: KyvernoTest = {
    name: typeof metadata.name === 'string' ? metadata.name : '',
    policies: strings(raw.policies, 'policies'),
    resources: strings(raw.resources ?? [], 'resources'),
    results: [],
  };
  if (test.policies.length === 0) throw new TestFileError('policies: must name at least one policy file');
  for (const key of ['variables', 'userinfo', 'context'] as const) {
    const value = raw[key];
    if (value === undefined || value === null || value === '') continue;
    if (typeof value !== 'string') throw new TestFileError(`${key}: must be a file name`);
    if (key === 'variables') test.values = value;
    else if (key === 'userinfo') test.userInfo = value;
    else test.context = value;
  }
  const results = raw.results ?? [];
  if (!Array.isArray(results)) throw new TestFileError('results: must be a list');
  results.forEach((item: unknown, i: number) => test.results.push(parseExpectation(item, `results[${i}]`)));
  return test;
}

function parseExpectation(item: unknown, path: string): TestExpectation {
  const raw = record(item, path);
  if (typeof raw.policy !== 'string' || raw.policy === '') throw new TestFileError(`${path}.policy: must be a non-empty string`);
  const result = raw.result ?? raw.status;
  if (typeof result !== 'string' || !EXPECTED.has(result)) throw new TestFileError(`${path}.result: must be one of pass, fail, skip, error, warn`);
  const resources = raw.resources !== undefined ? strings(raw.resources, `${path}.resources`) : raw.resource !== undefined ? [String(raw.resource)] : [];
  if (resources.length === 0) throw new TestFileError(`${path}.resources: must name at least one resource`);
  const namespace = typeof raw.namespace === 'string' && raw.namespace !== '' ? raw.namespace : undefined;
  const expectation: TestExpectation = {
    policy: raw.policy,
    kind: typeof raw.kind === 'string' ? raw.kind : '',
    resources: namespace ? resources.map((r) => (r.includes('/') ? r : `${namespace}/${r}`)) : resources,
    result: result as ExpectedResult,
    policyLevel: raw.isValidatingPolicy === true || raw.isValidatingAdmissionPolicy === true,
    mutation: raw.patchedResources !== undefined || raw.generatedResource !== undefined || raw.isMutatingPolicy === true || raw.isGeneratingPolicy === true,
    path,
  };
  if (typeof raw.rule === 'string' && raw.rule !== '' && !expectation.policyLevel) expectation.rule = raw.rule;
  return expectation;
}

/** Per-resource values for one policy (`Values.policies[]`); only what CEL policies read offline. */
export interface TestValues {
  /** Request operation per policy and resource name (`request.operation`), default CREATE. */
  operations: Map<string, string>;
  /** Namespaces given in the values file, for namespaceObject and namespace selectors. */
  namespaces: KubeObject[];
  /** Labels per namespace name from `namespaceSelector`. */
  namespaceLabels: Map<string, Record<string, string>>;
  /** `globalValues` and per-rule values, kept for policies that read them. */
  globalValues: Record<string, unknown>;
}

export function emptyValues(): TestValues {
  return { operations: new Map(), namespaces: [], namespaceLabels: new Map(), globalValues: {} };
}

export function operationKey(policy: string, resource: string): string {
  return `${policy}\u0000${resource}`;
}

export function parseValues(doc: unknown): TestValues {
  const raw = record(doc, '');
  const values = emptyValues();
  if (raw.globalValues !== undefined && raw.globalValues !== null) values.globalValues = record(raw.globalValues, 'globalValues');
  const policies = raw.policies ?? [];
  if (!Array.isArray(policies)) throw new TestFileError('policies: must be a list');
  policies.forEach((p: unknown, i: number) => {
    const policy = record(p, `policies[${i}]`);
    const resources = policy.resources ?? [];
    if (!Array.isArray(resources)) throw new TestFileError(`policies[${i}].resources: must be a list`);
    resources.forEach((r: unknown, j: number) => {
      const resource = record(r, `policies[${i}].resources[${j}]`);
      const vals = resource.values === undefined ? {} : record(resource.values, `policies[${i}].resources[${j}].values`);
      const operation = vals['request.operation'];
      if (typeof operation === 'string' && typeof resource.name === 'string' && typeof policy.name === 'string') {
        values.operations.set(operationKey(policy.name, resource.name), operation);
      }
    });
  });
  const namespaces = raw.namespaces ?? [];
  if (!Array.isArray(namespaces)) throw new TestFileError('namespaces: must be a list');
  namespaces.forEach((n: unknown, i: number) => {
    const ns = record(n, `namespaces[${i}]`);
    const metadata = record(ns.metadata ?? {}, `namespaces[${i}].metadata`);
    if (typeof metadata.name !== 'string') throw new TestFileError(`namespaces[${i}].metadata.name: must be a string`);
    // The values file is hand-written; `kind: namespace` is common and means a Namespace.
    values.namespaces.push({ ...ns, apiVersion: 'v1', kind: 'Namespace', metadata } as KubeObject);
  });
  const selectors = raw.namespaceSelector ?? [];
  if (!Array.isArray(selectors)) throw new TestFileError('namespaceSelector: must be a list');
  selectors.forEach((s: unknown, i: number) => {
    const sel = record(s, `namespaceSelector[${i}]`);
    if (typeof sel.name !== 'string') throw new TestFileError(`namespaceSelector[${i}].name: must be a string`);
    const labels = record(sel.labels ?? {}, `namespaceSelector[${i}].labels`);
    values.namespaceLabels.set(sel.name, Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, String(v)])));
  });
  return values;
}

/** `cli.kyverno.io/v1alpha1` UserInfo: the requesting user and the roles Kyverno would have looked up. */
export interface TestUserInfo {
  username: string;
  groups: string[];
  roles: string[];
  clusterRoles: string[];
}

export function parseUserInfo(doc: unknown): TestUserInfo {
  const raw = record(doc, '');
  const info = raw.userInfo === undefined ? {} : record(raw.userInfo, 'userInfo');
  return {
    username: typeof info.username === 'string' ? info.username : '',
    groups: strings(info.groups ?? [], 'userInfo.groups'),
    roles: strings(raw.roles ?? [], 'roles'),
    clusterRoles: strings(raw.clusterRoles ?? [], 'clusterRoles'),
  };
}

/** `cli.kyverno.io/v1alpha1` Context: cluster objects that `resource.Get`/`resource.List` see. */
export function parseContext(doc: unknown): KubeObject[] {
  const raw = record(doc, '');
  const spec = raw.spec === undefined ? {} : record(raw.spec, 'spec');
  const resources = spec.resources ?? [];
  if (!Array.isArray(resources)) throw new TestFileError('spec.resources: must be a list');
  return resources.map((r: unknown, i: number) => {
    const o = record(r, `spec.resources[${i}]`);
    if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') throw new TestFileError(`spec.resources[${i}]: needs apiVersion and kind`);
    return { ...o, metadata: o.metadata ?? {} } as KubeObject;
  });
}

function record(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TestFileError(`${path || 'document'}: must be a mapping`);
  return value as Record<string, unknown>;
}

function strings(value: unknown, path: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw new TestFileError(`${path}: must be a list of strings`);
  return value as string[];
}
