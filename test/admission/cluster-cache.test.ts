// The webhook against a live API server (a list/watch upstream that follows the API server's documented
// behaviour): Namespaces and policy parameters come from a watched cache, so label and parameter changes reach
// admission decisions without a restart, and the cache rides out watch timeouts, history compaction and outages.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadKubeConfig, NAMESPACES, startClusterCache, type WatchedKind } from '../../src/admission/cluster-cache.js';
import type { ClusterObjects } from '../../src/admission/cluster-objects.js';
import { DEFAULT_SETTINGS, type AdmissionSettings } from '../../src/admission/config.js';
import { loadAdmissionPolicies } from '../../src/admission/policy-sources.js';
import type { KubeObject } from '../../src/kube/object.js';
import { createLogger } from '../../src/server/logger.js';
import { startFakeKubeApi, type FakeKubeApi } from './support/list-watch-apiserver.js';
import { admit, ALICE, reviewOf } from './support/reviews.js';
import { startTestWebhook, type TestWebhook } from './support/webhook.js';
import { restrictedSpec, workloads } from './support/workloads.js';

const CONFIG_MAPS: WatchedKind = { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps' };
const REPLICA_LIMITS: WatchedKind = { group: 'example.com', version: 'v1', kind: 'ReplicaLimit', plural: 'replicalimits' };

const IDENTITY_POLICY = 'examples/admission/prod-deployments-release-workflow.yaml';

/** Two policies that take their limit from parameters: a ConfigMap, and a custom resource. */
const PARAM_POLICIES = `
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: replicas-from-configmap}
spec:
  paramKind: {apiVersion: v1, kind: ConfigMap}
  matchConstraints:
    resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}]
  validations:
    - expression: "object.spec.replicas <= int(params.data.maxReplicas)"
      messageExpression: "'at most ' + params.data.maxReplicas + ' replicas (ConfigMap)'"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: replicas-from-configmap}
spec:
  policyName: replicas-from-configmap
  paramRef: {name: replica-limit, namespace: gatehouse, parameterNotFoundAction: Deny}
  validationActions: [Deny]
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: replicas-from-custom-resource}
spec:
  paramKind: {apiVersion: example.com/v1, kind: ReplicaLimit}
  matchConstraints:
    resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}]
  validations:
    - expression: "object.spec.replicas <= params.spec.maxReplicas"
      messageExpression: "'at most ' + string(params.spec.maxReplicas) + ' replicas (ReplicaLimit)'"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: replicas-from-custom-resource}
spec:
  policyName: replicas-from-custom-resource
  paramRef: {name: default, namespace: gatehouse, parameterNotFoundAction: Deny}
  validationActions: [Deny]
`;

const namespace = (name: string, labels: Record<string, string> = {}): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } } });
const limitConfigMap = (max: number): KubeObject =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'replica-limit', namespace: 'gatehouse' }, data: { maxReplicas: String(max) } });
const limitResource = (max: number): KubeObject =>
  ({ apiVersion: 'example.com/v1', kind: 'ReplicaLimit', metadata: { name: 'default', namespace: 'gatehouse' }, spec: { maxReplicas: max } });

function deployment(ns: string, replicas: number): KubeObject {
  const d = workloads(restrictedSpec, ns)[1]!;
  (d.spec as { replicas: number }).replicas = replicas;
  return d;
}

/** Retries `check` until it passes: watch events arrive asynchronously. Fails with the last error after 15 s. */
async function eventually(check: () => Promise<void>): Promise<void> {
  const end = Date.now() + 15_000;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > end) throw err;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

function capturingLogger(): { logger: ReturnType<typeof createLogger>; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ name: 'cluster-cache', level: 'debug', destination }), lines };
}

const listsOf = (api: FakeKubeApi, plural: string) => api.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/${plural}`) && !r.query.has('watch')).length;

describe('admission with a watched cluster cache', () => {
  let api: FakeKubeApi;
  let cache: ClusterObjects;
  let webhook: TestWebhook;
  let logs: Record<string, unknown>[];
  const validate = (object: KubeObject) => admit(`${webhook.url}/validate`, webhook.ca, reviewOf(object, { userInfo: ALICE }));

  before(async () => {
    api = await startFakeKubeApi();
    api.put(namespace('gatehouse'));
    api.put(namespace('team-a', { env: 'dev' }));
    api.put(limitConfigMap(3));
    api.put(limitResource(3));
    const dir = join(api.tls.dir, 'policies');
    mkdirSync(dir);
    writeFileSync(join(dir, 'params.yaml'), PARAM_POLICIES);
    const paths = [dir, IDENTITY_POLICY];
    const captured = capturingLogger();
    logs = captured.lines;
    const kc = await loadKubeConfig({ kubeconfig: api.kubeconfig() });
    cache = await startClusterCache(kc, [NAMESPACES, CONFIG_MAPS, REPLICA_LIMITS], captured.logger);
    const settings: AdmissionSettings = { ...DEFAULT_SETTINGS, podSecurity: { enforce: null, warn: null } };
    webhook = await startTestWebhook({ settings, cluster: cache, policyPaths: paths, loadPolicies: () => loadAdmissionPolicies(settings, paths, cache) });
  });
  after(async () => {
    await webhook.close();
    await api.close();
  });

  it('is ready once every kind has been listed, and serves what it listed as raw objects', async () => {
    assert.equal(cache.ready(), true);
    const listed = cache.namespace('team-a')!;
    assert.equal(listed.apiVersion, 'v1');
    assert.equal(listed.kind, 'Namespace');
    assert.equal(typeof listed.metadata.resourceVersion, 'string', 'fields stay as the API server sent them');
    assert.equal((await validate(deployment('team-a', 2))).allowed, true);
  });

  it('applies a namespace label change to namespaceSelector decisions without a restart', async () => {
    api.put(namespace('team-a', { env: 'prod' }));
    await eventually(async () => {
      const response = await validate(deployment('team-a', 2));
      assert.equal(response.allowed, false);
      assert.match(response.status!.message, /only the release workflow of org\/app/);
    });
    api.put(namespace('team-a', { env: 'dev' }));
    await eventually(async () => assert.equal((await validate(deployment('team-a', 2))).allowed, true));
  });

  it('applies parameter changes (ConfigMap and custom resource) without a restart', async () => {
    api.put(limitConfigMap(1));
    await eventually(async () => {
      const response = await validate(deployment('team-a', 2));
      assert.equal(response.allowed, false);
      assert.match(response.status!.message, /replicas-from-configmap\/.*at most 1 replicas \(ConfigMap\)/);
      assert.doesNotMatch(response.status!.message, /ReplicaLimit/);
    });
    api.put(limitConfigMap(3));
    api.put(limitResource(1));
    await eventually(async () => {
      const response = await validate(deployment('team-a', 2));
      assert.equal(response.allowed, false);
      assert.match(response.status!.message, /at most 1 replicas \(ReplicaLimit\)/);
      assert.doesNotMatch(response.status!.message, /ConfigMap/);
    });
    api.put(limitResource(3));
    await eventually(async () => assert.equal((await validate(deployment('team-a', 2))).allowed, true));
  });

  it('denies, as a Gatehouse failure, a request for a namespace it does not know; a new namespace is learnt', async () => {
    const unknown = await validate(deployment('team-new', 1));
    assert.equal(unknown.allowed, false);
    assert.match(unknown.status!.message, /namespace "team-new" is not in Gatehouse's cache of the cluster yet.*not a policy violation/);
    api.put(namespace('team-new', { env: 'prod' }));
    await eventually(async () => assert.match((await validate(deployment('team-new', 1))).status?.message ?? '', /only the release workflow/));
    api.remove('v1', 'Namespace', '', 'team-new');
    await eventually(async () => assert.match((await validate(deployment('team-new', 1))).status?.message ?? '', /not in Gatehouse's cache/));
  });

  it('resumes a watch that the API server ended from where it was, without listing again', async () => {
    const lists = listsOf(api, 'namespaces');
    api.closeWatches();
    api.put(namespace('team-a', { env: 'prod' }));
    await eventually(async () => assert.equal((await validate(deployment('team-a', 2))).allowed, false));
    assert.equal(listsOf(api, 'namespaces'), lists, 'no relist after a watch timeout');
    api.put(namespace('team-a', { env: 'dev' }));
    await eventually(async () => assert.equal((await validate(deployment('team-a', 2))).allowed, true));
  });

  it('lists again when its resourceVersion is too old (410 Expired), dropping what was deleted meanwhile', async () => {
    api.put(namespace('team-gone'));
    await eventually(async () => assert.ok(cache.namespace('team-gone')));
    const lists = listsOf(api, 'namespaces');
    // Changes made while no watch is open, then compacted away: only a fresh list can show them.
    await api.stop();
    api.remove('v1', 'Namespace', '', 'team-gone');
    api.put(namespace('team-a', { env: 'prod' }));
    api.compact();
    await api.start();
    await eventually(async () => {
      assert.equal(cache.namespace('team-gone'), undefined);
      assert.equal((await validate(deployment('team-a', 2))).allowed, false);
    });
    assert.ok(listsOf(api, 'namespaces') > lists, 'relisted after 410');
    api.put(namespace('team-a', { env: 'dev' }));
    await eventually(async () => assert.equal((await validate(deployment('team-a', 2))).allowed, true));
  });

  it('keeps serving what it holds through an API server outage, then catches up', async () => {
    await api.stop();
    await eventually(async () => assert.ok(logs.some((l) => l.msg === 'watch of cluster objects failed; retrying')));
    assert.equal(cache.ready(), true, 'a synced cache stays ready');
    assert.equal((await validate(deployment('team-a', 2))).allowed, true, 'answers from the cache while the API server is down');
    assert.equal((await validate(deployment('team-a', 5))).allowed, false);
    api.put(limitConfigMap(10));
    api.put(limitResource(10));
    await api.start();
    await eventually(async () => assert.equal((await validate(deployment('team-a', 5))).allowed, true));
  });

  it('never logs the bearer token of the kubeconfig', () => {
    const token = (JSON.parse(readFileSync(api.kubeconfig(), 'utf8')) as { users: { user: { token: string } }[] }).users[0]!.user.token;
    assert.match(token, /^[0-9a-f]{32}$/);
    assert.ok(!JSON.stringify(logs).includes(token));
  });
});

describe('a cluster cache that cannot list yet', () => {
  it('reports not ready until the API server answers, then syncs', async () => {
    const api = await startFakeKubeApi();
    api.put(namespace('team-a'));
    const kubeconfig = api.kubeconfig();
    await api.stop();
    const { logger } = capturingLogger();
    const cache = await startClusterCache(await loadKubeConfig({ kubeconfig }), [NAMESPACES], logger);
    try {
      assert.equal(cache.ready(), false);
      assert.equal(cache.namespace('team-a'), undefined);
      await api.start();
      await eventually(async () => assert.equal(cache.ready(), true));
      assert.ok(cache.namespace('team-a'));
    } finally {
      await cache.close();
      await api.close();
    }
  });
});
