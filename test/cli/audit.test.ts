// `gatehouse audit`: objects at rest against the current policies, as compact PolicyReports — from a snapshot file,
// or live from an API server (a list/watch upstream that follows the API server's documented behaviour), listed
// in pages and written back with server-side apply.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../src/kube/object.js';
import { runCli } from '../support/cli.js';
import { startFakeKubeApi, type FakeKubeApi } from '../admission/support/list-watch-apiserver.js';
import { privilegedSpec, restrictedSpec, workloads } from '../admission/support/workloads.js';


/** Runs `gatehouse audit` without blocking this process, which may be serving the API server the audit calls. */
const audit = (args: string[]) => runCli(['audit', ...args]);

describe('gatehouse audit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-audit-'));
  const snapshot = join(dir, 'cluster.yaml');
  const pod = (name: string, namespace: string, owned: boolean) => ({
    ...workloads(privilegedSpec, namespace)[0]!,
    metadata: { name, namespace, ...(owned ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'u', controller: true }] } : {}) },
  });
  const items = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { env: 'prod' } } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tidy' } },
    ...workloads(privilegedSpec, 'shop').slice(1, 4),
    ...Array.from({ length: 200 }, (_, i) => pod(`web-${i}`, 'shop', true)),
    pod('debug', 'shop', false),
    ...workloads(restrictedSpec, 'tidy').slice(0, 2),
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'tidy' }, data: { a: 'b' } },
  ];
  writeFileSync(snapshot, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));

  it('writes one capped, summarised report per namespace, judging controller-owned objects through their owner', async () => {
    const result = await audit(['--snapshot', snapshot, '--max-results', '5', '--policies', 'examples/admission/prod-deployments-release-workflow.yaml']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /9 objects judged, 2 reports/);
    // The identity policy judges who makes a change (request.userInfo): nothing to judge at rest, so it is skipped.
    assert.match(result.stderr, /skipped 1 policies about who makes a request .*: prod-deployments-from-release-workflow/);
    assert.ok(!result.stdout.includes('prod-deployments-from-release-workflow'), 'no results of the identity policy');
    const reports = parseAllDocuments(result.stdout).map((d) => d.toJS() as Record<string, any>);
    assert.deepEqual(reports.map((r) => `${r.kind}/${r.metadata.namespace}`), ['PolicyReport/shop', 'PolicyReport/tidy']);
    const shop = reports[0]!;
    assert.equal(shop.apiVersion, 'wgpolicyk8s.io/v1alpha2');
    assert.equal(shop.results.length, 5);
    assert.ok(shop.results.every((r: { result: string }) => r.result === 'fail'), 'the cap keeps the most important results');
    const omitted = JSON.parse(shop.metadata.annotations['gatehouse.dev/omitted-results']);
    assert.equal(shop.summary.fail, omitted.fail + 5);
    const names = new Set(shop.results.flatMap((r: { resources: { name: string }[] }) => r.resources.map((x) => x.name)));
    assert.ok(![...names].some((n) => String(n).startsWith('web-')), 'owned pods are not reported');
    const tidy = reports[1]!;
    assert.equal(tidy.summary.fail, 0);
    assert.ok(!tidy.results.some((r: { rule: string }) => r.rule === '*'), 'no "does not apply" noise');
    assert.ok(!result.stdout.includes('*a1'), 'no YAML aliases');
  });

  it('refuses bad usage with exit code 2', async () => {
    assert.equal((await audit([])).code, 2);
    const both = await audit(['--snapshot', snapshot, '--apply']);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--apply writes to a cluster/);
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'kind: [');
    assert.match((await audit(['--snapshot', broken])).stderr, /--snapshot: .*broken\.yaml:1:/);
  });

  it('cleans up', () => rmSync(dir, { recursive: true, force: true }));
});

describe('gatehouse audit --kubeconfig (live)', () => {
  let api: FakeKubeApi;
  let kubeconfig: string;
  const owned = (name: string): KubeObject => ({
    ...workloads(privilegedSpec, 'shop')[0]!,
    metadata: { name, namespace: 'shop', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'u', controller: true }] },
  });
  before(async () => {
    api = await startFakeKubeApi();
    api.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'kubernetes.io/metadata.name': 'shop' } } });
    api.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tidy', labels: { 'kubernetes.io/metadata.name': 'tidy' } } });
    // More pods than one page (500) holds, so the listing has to follow continue tokens.
    for (let i = 0; i < 1200; i++) api.put(owned(`web-${String(i).padStart(4, '0')}`));
    for (const object of [...workloads(privilegedSpec, 'shop').slice(1), ...workloads(restrictedSpec, 'tidy')]) api.put(object);
    kubeconfig = api.kubeconfig();
  });
  after(() => api.close());

  const pages = () => api.requests.filter((r) => r.method === 'GET' && r.path === '/api/v1/pods');

  it('lists every kind page by page and prints one report per namespace', async () => {
    const result = await audit(['--kubeconfig', kubeconfig, '--max-results', '20']);
    assert.equal(result.code, 0, result.stderr);
    // 2 namespaces, 8 workloads in shop and 9 in tidy; the 1,200 owned pods are judged through their owner.
    assert.match(result.stderr, /19 objects judged, 2 reports/);
    const listed = pages();
    assert.deepEqual(listed.map((r) => r.query.get('limit')), ['500', '500', '500']);
    assert.deepEqual(listed.map((r) => r.query.has('continue')), [false, true, true]);
    const reports = parseAllDocuments(result.stdout).map((d) => d.toJS() as Record<string, any>);
    assert.deepEqual(reports.map((r) => `${r.kind}/${r.metadata.namespace}`), ['PolicyReport/shop', 'PolicyReport/tidy']);
    assert.ok(reports[0]!.summary.fail > 0);
    assert.equal(reports[1]!.summary.fail, 0);
  });

  it('applies the reports with server-side apply, and a re-run replaces them', async () => {
    const first = await audit(['--kubeconfig', kubeconfig, '--apply']);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, '', 'nothing printed when applying');
    const applies = api.requests.filter((r) => r.method === 'PATCH');
    assert.deepEqual(applies.map((r) => r.path), ['/apis/wgpolicyk8s.io/v1alpha2/namespaces/shop/policyreports/gatehouse-shop', '/apis/wgpolicyk8s.io/v1alpha2/namespaces/tidy/policyreports/gatehouse-tidy']);
    for (const r of applies) {
      assert.equal(r.contentType, 'application/apply-patch+yaml');
      assert.equal(r.query.get('fieldManager'), 'gatehouse-audit');
      assert.equal(r.query.get('force'), 'true');
    }
    const stored = () => api.objects('wgpolicyk8s.io/v1alpha2', 'PolicyReport') as Record<string, any>[];
    const shop = () => stored().find((r) => r.metadata.namespace === 'shop')!;
    assert.equal(stored().length, 2);
    assert.equal(shop().metadata.managedFields[0].manager, 'gatehouse-audit');
    const failuresBefore = shop().summary.fail;
    assert.ok(failuresBefore > 0);

    // The shop's workloads are fixed; the next run's report says so, in place of the old one.
    for (const object of workloads(restrictedSpec, 'shop').slice(1)) api.put(object);
    const second = await audit(['--kubeconfig', kubeconfig, '--apply']);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(stored().length, 2);
    assert.ok(shop().summary.fail < failuresBefore, `${shop().summary.fail} < ${failuresBefore}`);
  });

  it('names the call and the API server\'s answer when the cluster refuses', async () => {
    const wrongToken = join(api.tls.dir, 'wrong-token.json');
    writeFileSync(wrongToken, JSON.stringify({ ...JSON.parse(readFileSync(kubeconfig, 'utf8')), users: [{ name: 'gatehouse', user: { token: 'not-the-token' } }] }));
    const refused = await audit(['--kubeconfig', wrongToken]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /^gatehouse: audit: GET \/api\/v1\/namespaces: 401 Unauthorized: Unauthorized\n$/);
    assert.ok(!refused.stderr.includes('not-the-token'));
  });
});
