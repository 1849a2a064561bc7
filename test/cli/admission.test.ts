// `gatehouse admission` as a process (policy reload, graceful shutdown) and `gatehouse admission manifests`.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { parseManifestText } from '../../src/kube/manifests.js';
import type { KubeObject } from '../../src/kube/object.js';
import { createPodSecurityPolicy } from '../../src/policy/pss/index.js';
import { startFakeKubeApi } from '../admission/support/list-watch-apiserver.js';
import { admit, ALICE, post, reviewOf } from '../admission/support/reviews.js';
import { restrictedSpec, workloads } from '../admission/support/workloads.js';
import { runProcess } from '../support/cli.js';
import { createTestTls, type TestTls } from '../support/tls.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'src/cli/main.ts');
const EXAMPLE = join(ROOT, 'examples/admission/prod-deployments-release-workflow.yaml');

function gatehouse(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
}

function run(args: string[], stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = gatehouse(args);
    child.stdin!.end(stdin);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Collects a server's JSON log lines and resolves when one satisfies `match`. */
class LogWatcher {
  readonly lines: Record<string, unknown>[] = [];
  private waiters: { match: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] = [];
  constructor(child: ChildProcess) {
    let buffer = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      buffer += d;
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = JSON.parse(buffer.slice(0, nl)) as Record<string, unknown>;
        buffer = buffer.slice(nl + 1);
        this.lines.push(line);
        this.waiters = this.waiters.filter((w) => (w.match(line) ? (w.resolve(line), false) : true));
      }
    });
  }
  wait(match: (l: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    const found = this.lines.find(match);
    return found ? Promise.resolve(found) : new Promise((resolve) => this.waiters.push({ match, resolve }));
  }
}

describe('gatehouse admission (process)', () => {
  let tls: TestTls;
  let child: ChildProcess;
  let logs: LogWatcher;
  let url: string;
  let policyFile: string;
  before(async () => {
    tls = await createTestTls();
    const dir = join(tls.dir, 'policies');
    mkdirSync(dir);
    policyFile = join(dir, 'policy.yaml');
    copyFileSync(EXAMPLE, policyFile);
    const namespaces = join(tls.dir, 'namespaces.yaml');
    writeFileSync(namespaces, 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop-prod, labels: {env: prod}}\n');
    // One process, so that a reload logged once is a reload every request sees.
    child = gatehouse(['admission', '--workers', '1', '--policies', dir, '--tls-cert', tls.serverCertFile, '--tls-key', tls.serverKeyFile, '--listen', '127.0.0.1:0', '--cluster-objects', namespaces]);
    logs = new LogWatcher(child);
    const listening = await logs.wait((l) => l.msg === 'admission webhook listening');
    url = String(listening.url);
  });
  after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
    tls.cleanup();
  });

  const deployment = () => workloads(restrictedSpec, 'shop-prod')[1]!;

  it('serves the policies it was given', async () => {
    const response = await admit(`${url}/validate`, tls.ca, reviewOf(deployment(), { userInfo: ALICE }));
    assert.equal(response.allowed, false);
    assert.match(response.status!.message, /only the release workflow of org\/app/);
  });

  it('rejects a policy change that does not compile and keeps serving the previous set', async () => {
    writeFileSync(policyFile, readFileSync(EXAMPLE, 'utf8').replace("variables.claim[0] == 'org/app' &&", "variables.claim[0] == 'org/app' &&&"));
    const rejected = await logs.wait((l) => l.msg === 'policy reload rejected; the previous policy set keeps serving');
    assert.match(String(rejected.err), /policy\.yaml:\d+: ValidatingAdmissionPolicy\/prod-deployments-from-release-workflow: spec\.validations\[0\]\.expression/);
    const response = await admit(`${url}/validate`, tls.ca, reviewOf(deployment(), { userInfo: ALICE }));
    assert.equal(response.allowed, false, 'the previous set still denies');
  });

  it('applies a policy change that compiles', async () => {
    writeFileSync(policyFile, readFileSync(EXAMPLE, 'utf8').replace('env: prod', 'env: nowhere'));
    await logs.wait((l) => l.msg === 'policy set reloaded');
    const response = await admit(`${url}/validate`, tls.ca, reviewOf(deployment(), { userInfo: ALICE }));
    assert.equal(response.allowed, true);
  });

  it('shuts down gracefully on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.ok(logs.lines.some((l) => l.msg === 'shutdown complete'));
  });
});

describe('gatehouse admission --workers 2', () => {
  let tls: TestTls;
  let child: ChildProcess;
  let logs: LogWatcher;
  let url: string;
  before(async () => {
    tls = await createTestTls();
    child = gatehouse(['admission', '--workers', '2', '--policies', EXAMPLE, '--tls-cert', tls.serverCertFile, '--tls-key', tls.serverKeyFile, '--listen', '127.0.0.1:0']);
    logs = new LogWatcher(child);
    await logs.wait((l) => l.msg === 'admission webhook listening' && l.worker === 2);
    url = String(logs.lines.find((l) => l.msg === 'admission webhook listening')!.url);
  });
  after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
    tls.cleanup();
  });

  const judge = () => admit(`${url}/validate`, tls.ca, reviewOf(workloads(restrictedSpec, 'shop-prod')[1]!, { userInfo: ALICE }));
  const scrape = () => post(`${url}/metrics`, tls.ca, '', {}, 'GET');
  const counted = (text: string) => Number(/gatehouse_admission_requests_total\{webhook="validate",operation="CREATE",kind="Deployment",decision="allowed"\} (\d+)/.exec(text)?.[1] ?? 0);

  it('serves from both workers on one port and counts every request in /metrics, whichever worker is scraped', async () => {
    const listening = logs.lines.filter((l) => l.msg === 'admission webhook listening');
    assert.deepEqual(listening.map((l) => l.url), [url, url]);
    for (let i = 0; i < 10; i++) assert.equal((await judge()).allowed, true);
    for (let i = 0; i < 4; i++) {
      const metrics = await scrape();
      assert.equal(metrics.status, 200);
      assert.equal(counted(metrics.body), 10);
    }
  });

  it('replaces a worker that dies and keeps serving', async () => {
    const victim = Number(logs.lines.find((l) => l.msg === 'admission webhook listening' && l.worker === 1)!.pid);
    process.kill(victim, 'SIGKILL');
    const exited = await logs.wait((l) => l.msg === 'admission worker exited; starting another');
    assert.equal(exited.pid, victim);
    await logs.wait((l) => l.msg === 'admission webhook listening' && l.worker === 3);
    for (let i = 0; i < 4; i++) assert.equal((await judge()).allowed, true);
    // A worker stopped on its own (not by the primary) shuts down gracefully, exits, and is replaced as well.
    process.kill(Number(logs.lines.find((l) => l.msg === 'admission webhook listening' && l.worker === 2)!.pid), 'SIGTERM');
    await logs.wait((l) => l.msg === 'shutdown complete' && l.worker === 2);
    await logs.wait((l) => l.msg === 'admission webhook listening' && l.worker === 4);
    for (let i = 0; i < 4; i++) assert.equal((await judge()).allowed, true);
  });

  it('shuts every worker down gracefully on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.deepEqual(logs.lines.filter((l) => l.msg === 'shutdown complete').map((l) => l.worker).sort(), [2, 3, 4]);
  });
});

describe('gatehouse admission (usage errors)', () => {
  it('requires TLS files and names a bad policy file', async () => {
    const noTls = await run(['admission', '--policies', EXAMPLE]);
    assert.equal(noTls.code, 2);
    assert.match(noTls.stderr, /--tls-cert and --tls-key are required/);
  });

  it('exits 2 with the first worker\'s reason, once, when the policies do not compile', async () => {
    const tls = await createTestTls();
    try {
      const broken = join(tls.dir, 'broken.yaml');
      writeFileSync(broken, readFileSync(EXAMPLE, 'utf8').replace("variables.claim[0] == 'org/app' &&", "variables.claim[0] == 'org/app' &&&"));
      const result = await run(['admission', '--workers', '2', '--policies', broken, '--tls-cert', tls.serverCertFile, '--tls-key', tls.serverKeyFile, '--listen', '127.0.0.1:0']);
      assert.equal(result.code, 2);
      assert.equal(result.stderr.match(/broken\.yaml:\d+: ValidatingAdmissionPolicy\/prod-deployments-from-release-workflow: spec\.validations\[0\]\.expression/g)?.length, 1, result.stderr);
      assert.ok(!result.stdout.includes('admission webhook listening'));
    } finally {
      tls.cleanup();
    }
  });

  it('refuses a worker count that is not a positive integer', async () => {
    const result = await run(['admission', '--workers', '0', '--tls-cert', 'c', '--tls-key', 'k']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--workers: must be an integer from 1 to 256 \(got "0"\)/);
  });
});

describe('gatehouse admission manifests', () => {
  let objects: KubeObject[];
  before(async () => {
    const result = await run(['admission', 'manifests', '--namespace', 'gh', '--policies', EXAMPLE]);
    assert.equal(result.code, 0, result.stderr);
    objects = parseAllDocuments(result.stdout).map((d) => d.toJS() as KubeObject);
  });
  const find = (kind: string) => objects.filter((o) => o.kind === kind);

  it('prints parseable objects, webhooks last', () => {
    assert.ok(objects.length >= 12);
    assert.deepEqual(objects.slice(-2).map((o) => o.kind), ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']);
    assert.equal(objects[0]!.kind, 'Namespace');
  });

  it('exempts kube-system, its own namespace and its own pods in both webhooks, and fails closed quickly', () => {
    for (const config of [...find('ValidatingWebhookConfiguration'), ...find('MutatingWebhookConfiguration')]) {
      for (const webhook of config.webhooks as Record<string, any>[]) {
        assert.deepEqual(webhook.namespaceSelector.matchExpressions, [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', 'gh'] }]);
        assert.deepEqual(webhook.objectSelector.matchExpressions, [{ key: 'gatehouse.dev/admission-webhook', operator: 'DoesNotExist' }]);
        assert.equal(webhook.sideEffects, 'None');
        assert.equal(webhook.matchPolicy, 'Equivalent');
        assert.equal(webhook.failurePolicy, 'Fail');
        assert.equal(webhook.timeoutSeconds, 5);
        assert.deepEqual(webhook.admissionReviewVersions, ['v1']);
        assert.equal(webhook.clientConfig.service.namespace, 'gh');
      }
    }
    const guard = find('ValidatingAdmissionPolicy')[0] as Record<string, any>;
    assert.match(guard.spec.validations[0].expression, /request\.namespace == 'gh'/);
  });

  it('ships a serving certificate signed by the caBundle CA, for the Service name', () => {
    const secret = find('Secret')[0] as Record<string, any>;
    const caBundle = Buffer.from((find('ValidatingWebhookConfiguration')[0] as Record<string, any>).webhooks[0].clientConfig.caBundle, 'base64').toString();
    const ca = new X509Certificate(caBundle);
    const serving = new X509Certificate(Buffer.from(secret.data['tls.crt'], 'base64').toString());
    assert.ok(serving.checkIssued(ca) && serving.verify(ca.publicKey));
    assert.ok(serving.checkHost('gatehouse-admission.gh.svc'));
    assert.equal(Buffer.from(secret.data['ca.crt'], 'base64').toString(), caBundle);
  });

  it('runs a restricted, replicated, spread, probed Deployment with a PodDisruptionBudget and read-only RBAC', () => {
    const deployment = find('Deployment')[0]! as Record<string, any>;
    assert.ok(deployment.spec.replicas >= 2);
    const pod = deployment.spec.template.spec;
    assert.ok(pod.affinity.podAntiAffinity);
    assert.equal(pod.containers[0].readinessProbe.httpGet.path, '/readyz');
    assert.equal(pod.containers[0].livenessProbe.httpGet.path, '/healthz');
    const restricted = createPodSecurityPolicy({ level: 'restricted', version: 'latest' });
    const failed = (restricted.evaluate({ object: deployment as KubeObject, operation: 'CREATE' }) as readonly { result: string; message: string }[]).filter((o) => o.result === 'fail');
    assert.deepEqual(failed, []);
    assert.equal((find('PodDisruptionBudget')[0] as Record<string, any>).spec.minAvailable, 1);
    const verbs = new Set(((find('ClusterRole')[0] as Record<string, any>).rules as { verbs: string[] }[]).flatMap((r) => r.verbs));
    assert.deepEqual([...verbs].sort(), ['get', 'list', 'watch']);
    const policies = find('ConfigMap').find((c) => c.metadata.name === 'gatehouse-admission-policies') as Record<string, any>;
    assert.ok(policies.data['prod-deployments-release-workflow.yaml'].includes('ValidatingAdmissionPolicy'));
  });

  it('writes YAML that the manifest loader and kubectl read back as the same objects, quoting YAML 1.1 words', async (t) => {
    // `no` and `y` are booleans to a YAML 1.1 reader such as kubectl's unless quoted.
    const result = await run(['admission', 'manifests', '--namespace', 'no', '--name', 'y', '--policies', EXAMPLE]);
    assert.equal(result.code, 0, result.stderr);
    const expected = parseAllDocuments(result.stdout).map((d) => d.toJS() as KubeObject);
    const loaded = parseManifestText(result.stdout, 'manifests.yaml');
    assert.deepEqual(loaded.filter((e) => e.type === 'error'), []);
    assert.deepEqual(loaded.map((e) => (e.type === 'object' ? e.object : undefined)), expected);
    assert.equal(expected[0]!.metadata.name, 'no');
    if (spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status !== 0) return t.skip('kubectl is not installed');
    // kubectl maps every kind through the API server's discovery, decodes it, and (client dry run) sends nothing.
    const api = await startFakeKubeApi();
    try {
      const decoded = await runProcess('kubectl', ['create', '--dry-run=client', '--validate=false', '-o', 'yaml', '-f', '-', '--kubeconfig', api.kubeconfig()], { stdin: result.stdout });
      assert.equal(decoded.code, 0, decoded.stderr);
      assert.deepEqual(parseAllDocuments(decoded.stdout).map((d) => d.toJS() as KubeObject), expected);
    } finally {
      await api.close();
    }
  });

  it('sends the webhook what the shipped policies match beyond pods and workloads, and warns about what it will not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-manifests-'));
    try {
      const services = join(dir, 'services.yaml');
      writeFileSync(services, [
        'apiVersion: admissionregistration.k8s.io/v1',
        'kind: ValidatingAdmissionPolicy',
        'metadata: {name: lb-source-ranges}',
        'spec:',
        '  matchConstraints:',
        '    resourceRules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [services]}]',
        '  validations: [{expression: "true"}]',
        '---',
        'apiVersion: admissionregistration.k8s.io/v1',
        'kind: ValidatingAdmissionPolicy',
        'metadata: {name: everything}',
        'spec:',
        '  matchConstraints:',
        '    resourceRules: [{apiGroups: ["*"], apiVersions: ["*"], operations: [CREATE], resources: ["*"]}]',
        '  validations: [{expression: "true"}]',
        '',
      ].join('\n'));
      const result = await run(['admission', 'manifests', '--policies', services]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /services\.yaml: ValidatingAdmissionPolicy\/everything: matches \*\/\*; no webhook rule is generated/);
      const docs = parseAllDocuments(result.stdout).map((d) => d.toJS() as Record<string, any>);
      const rules = docs.find((d) => d.kind === 'ValidatingWebhookConfiguration')!.webhooks[0].rules as { resources: string[]; apiGroups: string[] }[];
      assert.ok(rules.some((r) => r.resources.includes('services') && r.apiGroups.includes('')), JSON.stringify(rules));
      assert.ok(!rules.some((r) => r.resources.includes('*')), 'never a rule on every resource');
      const mutating = docs.find((d) => d.kind === 'MutatingWebhookConfiguration')!.webhooks[0].rules as { resources: string[] }[];
      assert.ok(!mutating.some((r) => r.resources.includes('services')), 'mutation stays on pods and workloads');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('uses cert-manager instead when asked', async () => {
    const result = await run(['admission', 'manifests', '--cert-manager']);
    const docs = parseAllDocuments(result.stdout).map((d) => d.toJS() as Record<string, any>);
    assert.equal(docs.filter((d) => d.kind === 'Secret').length, 0);
    assert.equal(docs.filter((d) => d.kind === 'Certificate').length, 2);
    const webhook = docs.find((d) => d.kind === 'ValidatingWebhookConfiguration')!;
    assert.equal(webhook.metadata.annotations['cert-manager.io/inject-ca-from'], 'gatehouse/gatehouse-admission');
    assert.equal(webhook.webhooks[0].clientConfig.caBundle, undefined);
  });
});
