// Runs one Kyverno test manifest: loads its policies, resources, values, user info and context, evaluates every
// resource against every policy as the Kyverno CLI would (operation CREATE unless the values say otherwise), and
// compares each expected result with what Gatehouse computes.
import { dirname, resolve } from 'node:path';
import type { KubeObject } from '../../../kube/object.js';
import { readBounded, readManifests } from '../../../kube/manifest-files.js';
import { DEFAULT_LIMITS, parseManifestText, type ManifestEntry } from '../../../kube/manifests.js';
import { ObjectIndex } from '../../../kube/matching/object-index.js';
import type { EvaluationInput, Operation, Policy, RuleOutcome } from '../../policy.js';
import { compilePolicies, formatLoadError, type LoadedPolicies } from '../../loader/load-policies.js';
import { DEFAULT_NAMESPACE } from '../../vap/activation.js';
import { autogenRuleName } from '../autogen.js';
import {
  TestFileError, emptyValues, operationKey, parseContext, parseTestManifest, parseUserInfo, parseValues,
  type KyvernoTest, type TestExpectation, type TestUserInfo, type TestValues,
} from './test-file.js';

export type ActualResult = 'pass' | 'fail' | 'skip' | 'error' | 'warn' | 'unsupported' | 'not found';

export interface TestResultRow {
  policy: string;
  rule: string;
  kind: string;
  resource: string;
  expected: string;
  actual: ActualResult;
  ok: boolean;
  message: string;
}

export interface TestFileReport {
  file: string;
  results: TestResultRow[];
  /** Input errors: the manifest, a policy or a resource could not be read or compiled. */
  errors: string[];
}

export async function runTestFile(file: string, shownAs: string = file): Promise<TestFileReport> {
  const report: TestFileReport = { file: shownAs, results: [], errors: [] };
  let test: KyvernoTest;
  let values: TestValues = emptyValues();
  let userInfo: TestUserInfo | undefined;
  let context: KubeObject[] = [];
  const dir = dirname(file);
  try {
    test = parseTestManifest(await readSingleDocument(file));
    if (test.values) values = parseValues(await readSingleDocument(resolve(dir, test.values)));
    if (test.userInfo) userInfo = parseUserInfo(await readSingleDocument(resolve(dir, test.userInfo)));
    if (test.context) context = parseContext(await readSingleDocument(resolve(dir, test.context)));
  } catch (error) {
    report.errors.push(`${shownAs}: ${(error as Error).message}`);
    return report;
  }

  const resources: { object: KubeObject }[] = [];
  for await (const entry of readManifests(test.resources.map((r) => resolve(dir, r)))) {
    if (entry.type === 'error') report.errors.push(`${entry.source.file}:${entry.source.line}: ${entry.message}`);
    else resources.push({ object: entry.object });
  }
  const index = new ObjectIndex([...context, ...values.namespaces, ...resources.map((r) => r.object)]);
  for (const [name, labels] of values.namespaceLabels) {
    if (!index.namespace(name)) index.add({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
  }
  const policyEntries: ManifestEntry[] = [];
  for await (const entry of readManifests(test.policies.map((p) => resolve(dir, p)))) policyEntries.push(entry);
  const loaded = compilePolicies(policyEntries, { lookup: index });
  report.errors.push(...loaded.errors.map(formatLoadError));

  const outcomes = new OutcomeCache(loaded.policies, values, userInfo);
  for (const expectation of test.results) {
    for (const resource of expectation.resources) {
      report.results.push(check(expectation, resource, resources.map((r) => r.object), loaded, outcomes));
    }
  }
  return report;
}

async function readSingleDocument(path: string): Promise<unknown> {
  const entries = parseManifestText(await readBounded(path, DEFAULT_LIMITS.maxFileBytes), path);
  const first = entries[0];
  if (!first) throw new TestFileError(`${path}: empty document`);
  if (first.type === 'error') throw new TestFileError(`${path}:${first.source.line}: ${first.message}`);
  return first.object;
}

/** Evaluates each (policy, resource) pair once, however many expectations ask about it. */
class OutcomeCache {
  private readonly cache = new Map<Policy, Map<KubeObject, readonly RuleOutcome[]>>();
  private readonly byName = new Map<string, Policy>();

  constructor(policies: readonly Policy[], private readonly values: TestValues, private readonly user: TestUserInfo | undefined) {
    for (const policy of policies) this.byName.set(policy.name, policy);
  }

  policy(name: string): Policy | undefined {
    return this.byName.get(name);
  }

  outcomes(policy: Policy, object: KubeObject): readonly RuleOutcome[] {
    let perObject = this.cache.get(policy);
    if (!perObject) this.cache.set(policy, (perObject = new Map()));
    let outcomes = perObject.get(object);
    if (!outcomes) {
      const operation = (this.values.operations.get(operationKey(policy.name, object.metadata?.name ?? '')) ?? 'CREATE') as Operation;
      const input: EvaluationInput = { object, operation, oldObject: operation === 'UPDATE' || operation === 'DELETE' ? object : null };
      if (this.user) {
        input.userInfo = { username: this.user.username, groups: this.user.groups };
        input.request = { roles: this.user.roles, clusterRoles: this.user.clusterRoles };
      }
      try {
        const result = policy.evaluate(input);
        if (result instanceof Promise) throw new Error('asynchronous policies cannot be tested here');
        outcomes = result;
      } catch (error) {
        outcomes = [{ rule: '*', result: 'error', message: `policy ${policy.name} failed to evaluate: ${(error as Error).message}` }];
      }
      perObject.set(object, outcomes);
    }
    return outcomes;
  }
}

function check(expectation: TestExpectation, resource: string, objects: readonly KubeObject[], loaded: LoadedPolicies, cache: OutcomeCache): TestResultRow {
  const row = (actual: ActualResult, message: string): TestResultRow => ({
    policy: expectation.policy, rule: expectation.rule ?? '', kind: expectation.kind, resource,
    expected: expectation.result, actual, ok: actual === expectation.result, message,
  });
  if (expectation.mutation) return row('unsupported', 'mutation and generation results are not checked');
  const unsupported = loaded.unsupported.find((u) => u.name === expectation.policy);
  if (unsupported) return row('unsupported', `${unsupported.kind} ${unsupported.name}: ${unsupported.reason}`);
  const policy = cache.policy(expectation.policy);
  if (!policy) {
    const error = loaded.errors.find((e) => e.policy?.endsWith(`/${expectation.policy}`));
    return row(error ? 'error' : 'not found', error ? formatLoadError(error) : `no policy named ${expectation.policy} in the test's policy files`);
  }
  const matching = objects.filter((o) => o.kind === expectation.kind && resourceNamed(o, resource));
  if (matching.length === 0) return row('not found', `no ${expectation.kind} named ${resource} in the test's resources`);
  const results = matching.map((object) => actualFor(cache.outcomes(policy, object), expectation.rule, object.kind));
  return row(results.find((r) => r.actual !== expectation.result)?.actual ?? results[0]!.actual,
    (results.find((r) => r.actual !== expectation.result) ?? results[0]!).message);
}

/** `name` or `namespace/name`; an object without a namespace is in `default`, where it would be created. */
function resourceNamed(object: KubeObject, resource: string): boolean {
  const slash = resource.indexOf('/');
  if (slash < 0) return object.metadata?.name === resource;
  return object.metadata?.name === resource.slice(slash + 1) && (object.metadata?.namespace || DEFAULT_NAMESPACE) === resource.slice(0, slash);
}

/** One expected result is about a rule (or its autogen form) or, without a rule, the whole policy. */
function actualFor(outcomes: readonly RuleOutcome[], rule: string | undefined, kind: string): { actual: ActualResult; message: string } {
  const relevant = rule === undefined ? outcomes : outcomes.filter((o) => o.rule === rule || o.rule === autogenRuleName(rule, kind) || o.rule === '*');
  const unsupported = relevant.find((o) => o.properties?.unsupported !== undefined);
  if (unsupported) return { actual: 'unsupported', message: unsupported.message };
  const first = (predicate: (o: RuleOutcome) => boolean) => relevant.find(predicate);
  const violation = first((o) => o.result === 'fail' || o.properties?.violation === true);
  if (violation) return { actual: 'fail', message: violation.message };
  const error = first((o) => o.result === 'error');
  if (error) return { actual: 'error', message: error.message };
  const pass = first((o) => o.result === 'pass' || o.result === 'warn');
  if (pass) return { actual: 'pass', message: pass.message };
  const skip = first((o) => o.result === 'skip');
  return { actual: 'skip', message: skip?.message ?? 'no rule of the policy applies to this resource' };
}
