// `gatehouse audit`: the objects already in a cluster (live, or a `kubectl get -A -o yaml` snapshot) against the
// current policies, as compact PolicyReports printed or applied to the cluster.
import type { Command } from 'commander';
import { auditObjects, DEFAULT_MAX_RESULTS_PER_REPORT } from '../admission/audit.js';
import { applyReports, listClusterObjects } from '../admission/cluster-snapshot.js';
import { createPolicySet } from '../admission/policy-set.js';
import { loadAdmissionPolicies } from '../admission/policy-sources.js';
import { yamlDocuments } from '../admission/yaml-documents.js';
import { readManifests } from '../kube/manifest-files.js';
import { ObjectIndex } from '../kube/matching/object-index.js';
import type { KubeObject, SourceLocation } from '../kube/object.js';
import { kubeConfigFrom, settingsFrom } from './admission.js';
import { UsageError } from './errors.js';
import { openOutput } from './output.js';

interface AuditFlags {
  kubeconfig?: string;
  inCluster?: boolean;
  snapshot?: string;
  policies: string[];
  config?: string;
  apply?: boolean;
  maxResults: string;
  output?: string;
}

async function snapshotObjects(file: string): Promise<{ object: KubeObject; source: SourceLocation }[]> {
  const objects: { object: KubeObject; source: SourceLocation }[] = [];
  for await (const entry of readManifests([file])) {
    if (entry.type === 'error') throw new UsageError(`--snapshot: ${entry.source.file}:${entry.source.line}: ${entry.message}`);
    objects.push(entry);
  }
  return objects;
}

/** A cluster that cannot be read or written is an input error: one line naming the call and the API server's answer. */
async function fromCluster<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw new UsageError(`audit: ${(err as Error).message}`);
  }
}

async function audit(flags: AuditFlags): Promise<void> {
  const live = flags.kubeconfig !== undefined || flags.inCluster === true;
  if (live === (flags.snapshot !== undefined) || (flags.kubeconfig !== undefined && flags.inCluster)) {
    throw new UsageError('audit: give exactly one of --kubeconfig FILE, --in-cluster or --snapshot FILE');
  }
  if (flags.apply && !live) throw new UsageError('audit: --apply writes to a cluster; use it with --kubeconfig or --in-cluster');
  const maxResults = Number(flags.maxResults);
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 10_000) throw new UsageError(`--max-results: must be an integer from 1 to 10000 (got "${flags.maxResults}")`);
  const settings = await settingsFrom(flags.config);
  const kc = live ? await kubeConfigFrom(flags) : undefined;
  const objects = kc ? (await fromCluster(() => listClusterObjects(kc))).map((object) => ({ object })) : await snapshotObjects(flags.snapshot!);
  const lookup = new ObjectIndex(objects.map((o) => o.object));
  let policies;
  try {
    policies = createPolicySet(await loadAdmissionPolicies(settings, flags.policies, lookup), () => {});
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const outcome = await auditObjects(objects, { policies, lookup, maxResultsPerReport: maxResults });
  process.stderr.write(`gatehouse audit: ${outcome.judged} objects judged, ${outcome.reports.length} reports\n`);
  if (policies.requestOnly.length > 0) {
    process.stderr.write(`gatehouse audit: skipped ${policies.requestOnly.length} policies about who makes a request (nothing to judge at rest): ${policies.requestOnly.join(', ')}\n`);
  }
  if (kc && flags.apply) {
    await fromCluster(() => applyReports(kc, outcome.reports as unknown as KubeObject[]));
    return;
  }
  const output = openOutput(flags.output);
  output.sink.write(yamlDocuments(outcome.reports));
  output.commit();
}

export function registerAudit(program: Command): void {
  program
    .command('audit')
    .description('Judge the objects already in a cluster against the current policies and write compact PolicyReports')
    .option('--kubeconfig <file>', 'read the objects from this cluster')
    .option('--in-cluster', 'read the objects with the pod\'s service account')
    .option('--snapshot <file>', 'read the objects from `kubectl get -A -o yaml` output instead')
    .option('--policies <paths...>', 'policy files and directories', [])
    .option('--config <file>', 'AdmissionConfiguration (Pod Security Standards level, built-in rules)')
    .option('--apply', 'apply the reports to the cluster (server-side apply) instead of printing them')
    .option('--max-results <n>', 'results kept per report, most important first; the summary counts all', String(DEFAULT_MAX_RESULTS_PER_REPORT))
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action((flags: AuditFlags) => audit(flags));
}
