// `gatehouse admission`: the validating and mutating admission webhook, and `gatehouse admission manifests`, which
// prints what a cluster needs to run it.
import cluster from 'node:cluster';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { Command, Option } from 'commander';
import { loadAdmissionConfiguration, readAdmissionConfiguration } from '../admission/admission-configuration.js';
import { loadKubeConfig, NAMESPACES, startClusterCache } from '../admission/cluster-cache.js';
import { loadStaticObjects, NO_CLUSTER_OBJECTS, type ClusterObjects } from '../admission/cluster-objects.js';
import { DEFAULT_SETTINGS, DEFAULT_TIMEOUT_SECONDS, type AdmissionSettings } from '../admission/config.js';
import { admissionManifests } from '../admission/manifests/build.js';
import { loadAdmissionPolicies } from '../admission/policy-sources.js';
import { startAdmissionServer } from '../admission/server.js';
import { defaultWorkerCount, leaveCluster, serveAsWorker, superviseWorkers } from '../server/workers.js';
import { yamlDocuments } from '../admission/yaml-documents.js';
import { parseConfigText } from '../config/load.js';
import { expandPaths } from '../kube/manifest-files.js';
import { createLogger, type Logger } from '../server/logger.js';
import { parseListenAddress } from '../server/listen-address.js';
import { onShutdownSignal } from '../server/shutdown.js';
import { integerFlag, UsageError } from './errors.js';
import { openOutput } from './output.js';
import { toolInfo } from './tool.js';

interface ServeFlags {
  policies: string[];
  tlsCert?: string;
  tlsKey?: string;
  listen: string;
  config?: string;
  kubeconfig?: string;
  inCluster?: boolean;
  clusterObjects?: string[];
  logLevel: string;
  workers?: string;
}

/** The kubeconfig a command was pointed at, as a usage error when it cannot be loaded. */
export async function kubeConfigFrom(flags: { kubeconfig?: string; inCluster?: boolean }): Promise<KubeConfig> {
  try {
    return await loadKubeConfig(flags);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** The settings of `--config`, or the defaults. */
export async function settingsFrom(config: string | undefined): Promise<AdmissionSettings> {
  if (config === undefined) return DEFAULT_SETTINGS;
  try {
    return await loadAdmissionConfiguration(config);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

async function clusterObjectsFrom(flags: ServeFlags, settings: AdmissionSettings, logger: Logger): Promise<ClusterObjects> {
  const sources = [flags.kubeconfig !== undefined, flags.inCluster === true, flags.clusterObjects !== undefined].filter(Boolean).length;
  if (sources > 1) throw new UsageError('choose one of --kubeconfig, --in-cluster and --cluster-objects');
  if (flags.clusterObjects) {
    try {
      return await loadStaticObjects(flags.clusterObjects);
    } catch (err) {
      throw new UsageError(`--cluster-objects: ${(err as Error).message}`);
    }
  }
  if (sources === 0) return NO_CLUSTER_OBJECTS;
  return startClusterCache(await kubeConfigFrom(flags), [NAMESPACES, ...settings.paramKinds], logger);
}

async function serve(flags: ServeFlags): Promise<void> {
  if (!flags.tlsCert || !flags.tlsKey) throw new UsageError('admission: --tls-cert and --tls-key are required (the API server only calls webhooks over HTTPS)');
  let address;
  try {
    address = parseListenAddress(flags.listen);
  } catch (err) {
    throw new UsageError(`--listen: ${(err as Error).message}`);
  }
  const settings = await settingsFrom(flags.config);
  const workers = flags.workers === undefined ? defaultWorkerCount() : integerFlag('--workers', flags.workers, 1, 256);
  const logger = createLogger({ name: 'admission', level: flags.logLevel as 'info' });
  if (workers > 1 && cluster.isPrimary) {
    process.exitCode = await superviseWorkers(workers, logger, 'admission');
    return;
  }
  try {
    await serveInThisProcess(flags, { ...address, tls: { certFile: flags.tlsCert, keyFile: flags.tlsKey } }, settings, logger);
  } catch (err) {
    // A worker that cannot start must exit with the error's code, so that the primary exits with it too.
    leaveCluster();
    throw err;
  }
}

interface Listener {
  host: string;
  port: number;
  tls: { certFile: string; keyFile: string };
}

async function serveInThisProcess(flags: ServeFlags, listener: Listener, settings: AdmissionSettings, logger: Logger): Promise<void> {
  const workerLogger = cluster.isWorker ? logger.child({ worker: cluster.worker!.id, pid: process.pid }) : logger;
  const objects = await clusterObjectsFrom(flags, settings, workerLogger);
  let server;
  try {
    server = await startAdmissionServer({
      ...listener,
      settings,
      policyPaths: flags.policies,
      loadPolicies: () => loadAdmissionPolicies(settings, flags.policies, objects),
      cluster: objects,
      logger: workerLogger,
    });
  } catch (err) {
    await objects.close();
    throw new UsageError((err as Error).message);
  }
  let stopping: Promise<void> | undefined;
  // Once, whether a signal or the primary asks; a worker then leaves the cluster (and the primary replaces it unless
  // it is shutting down too).
  const shutdown = () => (stopping ??= server.shutdown(20_000).finally(() => {
    dispose();
    leaveCluster();
  }));
  const dispose = onShutdownSignal(shutdown, workerLogger);
  if (cluster.isWorker) serveAsWorker(shutdown, workerLogger);
}

interface ManifestFlags {
  namespace: string;
  name: string;
  image: string;
  replicas: string;
  timeoutSeconds: string;
  failurePolicy: 'Fail' | 'Ignore';
  certManager?: boolean;
  config?: string;
  policies: string[];
  output?: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

async function manifests(flags: ManifestFlags): Promise<void> {
  for (const [flag, value] of [['--namespace', flags.namespace], ['--name', flags.name]] as const) {
    if (!DNS_LABEL.test(value)) throw new UsageError(`${flag}: "${value}" is not a DNS label (lower-case letters, digits and -, at most 63)`);
  }
  const timeoutSeconds = integerFlag('--timeout-seconds', flags.timeoutSeconds, 2, 30);
  let configText: string | undefined;
  let settings = DEFAULT_SETTINGS;
  if (flags.config !== undefined) {
    try {
      configText = await readFile(flags.config, 'utf8');
      settings = readAdmissionConfiguration(parseConfigText(configText, flags.config), flags.config);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  if (settings.deadlineMs >= timeoutSeconds * 1000) {
    throw new UsageError(`--timeout-seconds ${timeoutSeconds} must leave room above the configured deadline of ${settings.deadlineMs} ms`);
  }
  const policies: Record<string, string> = {};
  const { files, errors } = await expandPaths(flags.policies);
  if (errors.length > 0) throw new UsageError(`--policies: ${errors[0]!.source.file}: ${errors[0]!.type === 'error' ? errors[0]!.message : ''}`);
  for (const file of files) {
    const key = basename(file);
    if (key in policies) throw new UsageError(`--policies: two files are named ${key}; ConfigMap keys must be unique`);
    policies[key] = await readFile(file, 'utf8');
  }
  const { objects, warnings } = await admissionManifests({
    namespace: flags.namespace,
    name: flags.name,
    image: flags.image,
    replicas: integerFlag('--replicas', flags.replicas, 1, 100),
    timeoutSeconds,
    failurePolicy: flags.failurePolicy,
    certificates: flags.certManager ? 'cert-manager' : 'generated',
    ...(configText !== undefined ? { configText } : {}),
    policies,
    paramKinds: settings.paramKinds,
  });
  for (const warning of warnings) process.stderr.write(`gatehouse admission manifests: ${warning}\n`);
  const output = openOutput(flags.output);
  output.sink.write(yamlDocuments(objects));
  output.commit();
}

export function registerAdmission(program: Command): void {
  // `admission manifests --policies …` must reach the subcommand, not the server's own --policies (the program
  // itself parses options positionally too: see buildProgram).
  const admission = program
    .command('admission')
    .description('Run the validating and mutating admission webhook (POST /validate, POST /mutate)')
    .enablePositionalOptions()
    .option('--policies <paths...>', 'policy files and directories (ValidatingAdmissionPolicy + bindings, Kyverno policies); reloaded when they change', [])
    .option('--tls-cert <file>', 'serving certificate (PEM), required; reloaded when it changes')
    .option('--tls-key <file>', 'serving key (PEM), required')
    .option('--listen <host:port>', 'address to listen on', '0.0.0.0:8443')
    .option('--config <file>', 'AdmissionConfiguration (gatehouse.dev/v1alpha1)')
    .option('--kubeconfig <file>', 'watch namespaces and parameter objects in this cluster')
    .option('--in-cluster', 'watch namespaces and parameter objects with the pod\'s service account')
    .option('--cluster-objects <files...>', 'offline: namespaces and parameter objects from manifest files')
    .addOption(new Option('--log-level <level>', 'log level').choices(['debug', 'info', 'warn', 'error']).default('info'))
    .option('--workers <n>', 'worker processes sharing the port, one per core (default: the cores available, within a container CPU limit)')
    .action((flags: ServeFlags) => serve(flags));

  admission
    .command('manifests')
    .description('Print the Kubernetes objects that run the webhook: Deployment, PDB, Service, RBAC, certificate, webhook configurations')
    .option('--namespace <name>', 'namespace to run in (exempt from the webhooks)', 'gatehouse')
    .option('--name <name>', 'name of the Deployment, Service and webhooks', 'gatehouse-admission')
    .option('--image <image>', 'container image', `ghcr.io/gatehouse-dev/gatehouse:${toolInfo().version}`)
    .option('--replicas <n>', 'replicas (at least 2 keeps the webhook available through node drains)', '2')
    .option('--timeout-seconds <n>', 'webhook timeoutSeconds', String(DEFAULT_TIMEOUT_SECONDS))
    .addOption(new Option('--failure-policy <policy>', 'what the API server does when the webhook cannot answer').choices(['Fail', 'Ignore']).default('Fail'))
    .option('--cert-manager', 'let cert-manager issue the serving certificate and inject the CA instead of generating them now')
    .option('--config <file>', 'AdmissionConfiguration to ship in a ConfigMap (its paramKinds are granted read access)')
    .option('--policies <paths...>', 'policy files to ship in a ConfigMap', [])
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action((flags: ManifestFlags) => manifests(flags));
}
