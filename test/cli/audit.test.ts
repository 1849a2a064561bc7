// `gatehouse audit --snapshot`: objects at rest against the current policies, as compact PolicyReports.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { privilegedSpec, restrictedSpec, workloads } from '../admission/support/workloads.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function audit(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'audit', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

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

  it('writes one capped, summarised report per namespace, judging controller-owned objects through their owner', () => {
    const result = audit(['--snapshot', snapshot, '--max-results', '5', '--policies', 'examples/admission/prod-deployments-release-workflow.yaml']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /9 objects judged, 2 reports/);
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

  it('refuses bad usage with exit code 2', () => {
    assert.equal(audit([]).code, 2);
    const both = audit(['--snapshot', snapshot, '--apply']);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--apply writes to a cluster/);
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'kind: [');
    assert.match(audit(['--snapshot', broken]).stderr, /--snapshot: .*broken\.yaml:1:/);
  });

  it('cleans up', () => rmSync(dir, { recursive: true, force: true }));
});
