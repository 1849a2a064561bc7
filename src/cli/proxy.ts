// `gatehouse proxy`: the identity-aware impersonating proxy in front of the Kubernetes API server (docs/proxy.md).
// Settings come from flags over an optional ProxyConfiguration (--config); all are validated before anything
// listens. Runs until SIGTERM/SIGINT, then shuts down gracefully. With --workers N, N processes share the ports
// (src/server/workers.ts).
import cluster from 'node:cluster';
import { Command, Option } from 'commander';
import { ConfigError } from '../config/config-error.js';
import { emptyProxyConfiguration, loadProxyConfiguration, LOG_LEVELS } from '../proxy/proxy-configuration.js';
import { resolveProxySettings, SERVICE_ACCOUNT_DIR, type ProxyFlags } from '../proxy/settings.js';
import { startProxy } from '../proxy/proxy-server.js';
import { createLogger } from '../server/logger.js';
import { onShutdownSignal } from '../server/shutdown.js';
import { leaveCluster, serveAsWorker, superviseWorkers } from '../server/workers.js';
import { integerFlag, UsageError } from './errors.js';

interface ProxyCommandFlags extends ProxyFlags {
  config?: string;
  workers?: string;
}


async function runProxy(flags: ProxyCommandFlags): Promise<void> {
  let settings;
  try {
    const file = flags.config ? await loadProxyConfiguration(flags.config) : emptyProxyConfiguration();
    settings = resolveProxySettings(flags, file, flags.config ?? 'gatehouse proxy', { env: process.env, serviceAccountDir: SERVICE_ACCOUNT_DIR });
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
  const workers = flags.workers === undefined ? 1 : integerFlag('--workers', flags.workers, 1, 256);
  // Several processes writing one pipe may interleave a long line with another's; appends to a file do not.
  if (workers > 1 && settings.auditLog === '-') throw new UsageError('--audit-log -: with --workers above 1 the audit log must be a file');
  const logger = createLogger({ name: 'proxy', level: settings.logLevel as 'info' });
  if (workers > 1 && cluster.isPrimary) {
    process.exitCode = await superviseWorkers(workers, logger, 'proxy');
    return;
  }
  const workerLogger = cluster.isWorker ? logger.child({ worker: cluster.worker!.id, pid: process.pid }) : logger;
  let proxy;
  try {
    proxy = await startProxy(settings, workerLogger);
  } catch (err) {
    // A worker that cannot start exits with the error's code, so that the primary exits with it too.
    leaveCluster();
    throw new UsageError((err as Error).message);
  }
  const running = proxy;
  await new Promise<void>((resolve) => {
    let stopping: Promise<void> | undefined;
    // Once, whether a signal or the primary asks; a worker then leaves the cluster.
    const shutdown = () =>
      (stopping ??= running.shutdown().finally(() => {
        dispose();
        leaveCluster();
        resolve();
      }));
    const dispose = onShutdownSignal(shutdown, workerLogger);
    if (cluster.isWorker) serveAsWorker(shutdown, workerLogger);
  });
}

export function registerProxy(program: Command): void {
  program
    .command('proxy')
    .description('Identity-aware impersonating proxy for the Kubernetes API: verifies OIDC tokens, applies access policies, forwards with Impersonate-* headers')
    .option('--config <file>', 'ProxyConfiguration (gatehouse.dev/v1alpha1); flags override it')
    .option('--authentication-config <file>', 'Kubernetes AuthenticationConfiguration (apiserver.config.k8s.io v1beta1 or v1)')
    .option('--upstream <url>', 'the API server URL (https)')
    .option('--upstream-ca <file>', 'CA bundle that verifies the API server')
    .option('--upstream-token-file <file>', "the proxy's bearer token (re-read when it rotates)")
    .option('--upstream-client-cert <file>', "the proxy's client certificate")
    .option('--upstream-client-key <file>', "the proxy's client key")
    .option('--in-cluster', 'use the pod service account (token, CA, KUBERNETES_SERVICE_HOST/PORT)')
    .option('--kubeconfig <file>', 'take the upstream and credential from a kubeconfig (current context)')
    .option('--listen <host:port>', 'proxy address (default 0.0.0.0:8443)')
    .option('--operations-listen <host:port>', '/healthz, /readyz and /metrics address (default 0.0.0.0:9443)')
    .option('--tls-cert <file>', 'serving certificate (PEM; reloaded when it changes)')
    .option('--tls-key <file>', 'serving key (PEM)')
    .option('--audit-log <file|->', 'write audit.k8s.io/v1 Events, one JSON line each, to a file or stdout (-)')
    .addOption(new Option('--client-impersonation <mode>', 'client Impersonate-* headers (kubectl --as)').choices(['Deny', 'SubjectAccessReview']))
    .addOption(new Option('--log-level <level>', 'log level').choices([...LOG_LEVELS]))
    .option('--workers <n>', 'worker processes sharing the ports, each with its own caches and upstream connections (default 1)')
    .action(async (flags: ProxyCommandFlags) => runProxy(flags));
}
