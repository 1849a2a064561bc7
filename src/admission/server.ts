// `gatehouse admission` assembled: the HTTPS listener with operational endpoints, the webhook handler, the
// reloading policy set and the cluster objects cache. Stateless, so replicas scale behind a Service.
import cluster from 'node:cluster';
import type { Registry } from 'prom-client';
import { startHttpsServer, type RunningServer } from '../server/https-server.js';
import type { Logger } from '../server/logger.js';
import { createMetricsRegistry } from '../server/metrics.js';
import { createOperationsHandler } from '../server/operations.js';
import type { ClusterObjects } from './cluster-objects.js';
import type { AdmissionSettings } from './config.js';
import { createAdmissionHandler } from './handler.js';
import { createAdmissionMetrics, labelled } from './metrics.js';
import { createPolicySet, exemptionsFrom, type PolicySetParts } from './policy-set.js';
import { startPolicyReloader, type PolicyReloader } from './policy-reloader.js';
import { AdmissionReviewer } from './reviewer.js';
import { clusterMetricsRegistry } from '../server/workers.js';

export interface AdmissionServerOptions {
  host: string;
  port: number;
  tls: { certFile: string; keyFile: string };
  settings: AdmissionSettings;
  /** Policy files and directories, watched for changes. */
  policyPaths: readonly string[];
  /** Compiles the policies; throws (naming file and field) when one does not compile. */
  loadPolicies(): Promise<PolicySetParts>;
  cluster: ClusterObjects;
  logger: Logger;
  /** Poll interval of the policy files (default 10 s). */
  policyPollIntervalMs?: number;
}

export interface AdmissionServer {
  url: string;
  port: number;
  registry: Registry;
  policies: PolicyReloader;
  shutdown(deadlineMs?: number): Promise<void>;
}

export async function startAdmissionServer(options: AdmissionServerOptions): Promise<AdmissionServer> {
  const { settings, logger, cluster: objects } = options;
  const registry = createMetricsRegistry();
  const metrics = createAdmissionMetrics(registry);
  const policyTimer = labelled((policy) => metrics.policySeconds.labels(policy));
  const observe = (policy: string, seconds: number) => policyTimer(policy).observe(seconds);
  const policies = await startPolicyReloader({
    paths: options.policyPaths,
    build: async () => createPolicySet(await options.loadPolicies(), observe, exemptionsFrom(settings.exemptionGroups)),
    logger,
    metrics,
    ...(options.policyPollIntervalMs !== undefined ? { pollIntervalMs: options.policyPollIntervalMs } : {}),
  });
  const reviewer = new AdmissionReviewer(() => policies.current(), objects, settings);
  // A worker's /metrics answers for every worker of the process group, not just the one a scrape reached.
  const scraped = cluster.isWorker ? clusterMetricsRegistry(registry) : registry;
  const operations = createOperationsHandler({ registry: scraped, checks: { 'cluster-objects': () => objects.ready() } });
  let server: RunningServer;
  try {
    server = await startHttpsServer({
      host: options.host,
      port: options.port,
      tls: options.tls,
      logger,
      operations,
      // An AdmissionReview arrives in one piece from the API server; a slow sender is cut off soon after the deadline.
      headersTimeoutMs: settings.deadlineMs + 1000,
      requestTimeoutMs: settings.deadlineMs + 1000,
      onRequest: createAdmissionHandler({ reviewer, failurePolicy: settings.failurePolicy, limits: settings.limits, deadlineMs: settings.deadlineMs, metrics, logger }),
    });
  } catch (err) {
    policies.close();
    throw err;
  }
  logger.info({ url: server.url, policies: policies.current().size, failurePolicy: settings.failurePolicy, deadlineMs: settings.deadlineMs }, 'admission webhook listening');
  return {
    url: server.url,
    port: server.port,
    registry,
    policies,
    async shutdown(deadlineMs) {
      await server.shutdown(deadlineMs);
      policies.close();
      await objects.close();
    },
  };
}
