// Starts `gatehouse proxy` from resolved settings: the authenticator (keys start loading at once), the upstream
// connection pool, the audit sink, the HTTPS proxy listener and the operations listener (/healthz, /readyz —
// ready when every issuer's keys are loaded —, /metrics), both with certificate reload.
//
// Usage:
//   const proxy = await startProxy(settings, logger);
//   proxy.url, proxy.operationsUrl
//   await proxy.shutdown();           // graceful: readiness off, streams closed, in-flight requests finish
import cluster from 'node:cluster';
import { createAuthenticator } from '../identity/authenticator.js';
import { loadAuthenticationConfigFile } from '../identity/authentication-config.js';
import type { Authenticator } from '../identity/principal.js';
import { startHttpsServer, type RunningServer } from '../server/https-server.js';
import type { Logger } from '../server/logger.js';
import { createMetricsRegistry } from '../server/metrics.js';
import { createOperationsHandler } from '../server/operations.js';
import { clusterMetricsRegistry } from '../server/workers.js';
import { createAuditSink } from './audit.js';
import { createNamespaceCache } from './namespace-cache.js';
import { createProxyHandler } from './proxy-handler.js';
import { createProxyMetrics } from './proxy-metrics.js';
import type { ProxySettings } from './settings.js';
import { createUpstream } from './upstream.js';

export interface RunningProxy {
  url: string;
  operationsUrl: string;
  authenticator: Authenticator;
  shutdown(): Promise<void>;
}

export async function startProxy(settings: ProxySettings, logger: Logger): Promise<RunningProxy> {
  const registry = createMetricsRegistry();
  // A worker's /metrics answers for all workers together, whichever of them the scrape reaches.
  const scraped = cluster.isWorker ? clusterMetricsRegistry(registry) : registry;
  const authenticator = createAuthenticator(loadAuthenticationConfigFile(settings.authenticationConfig), { metrics: registry, logger });
  const upstream = createUpstream(settings.upstream, logger);
  const audit = createAuditSink(settings.auditLog);
  const operations = createOperationsHandler({
    registry: scraped,
    checks: {
      issuers: () => {
        const pending = authenticator.readiness().filter((r) => !r.ready);
        return { ok: pending.length === 0, message: pending.map((r) => `${r.issuer}: keys not loaded${r.lastError ? ` (${r.lastError})` : ''}`).join('; ') };
      },
    },
  });
  const { limits } = settings;
  let proxyServer: RunningServer | undefined;
  const handler = createProxyHandler({
    authenticator,
    upstream,
    access: settings.accessPolicies,
    accessRequestHeaders: settings.access.requestHeaders,
    namespaces: createNamespaceCache(upstream, { ttlMs: settings.access.namespaceCacheTTLSeconds * 1000, timeoutMs: limits.upstreamCallTimeoutSeconds * 1000 }),
    clientImpersonation: settings.clientImpersonation,
    upstreamCallTimeoutMs: limits.upstreamCallTimeoutSeconds * 1000,
    maxBodyBytes: limits.maxRequestBodyBytes,
    bodyIdleTimeoutMs: limits.requestBodyIdleTimeoutSeconds * 1000,
    responseHeaderTimeoutMs: limits.upstreamResponseTimeoutSeconds * 1000,
    audit,
    metrics: createProxyMetrics(registry),
    logger,
    trackStream: (close) => proxyServer!.trackStream(close),
  });
  const closeAll = async () => {
    await authenticator.close();
    await upstream.close();
    await audit.close();
  };
  try {
    proxyServer = await startHttpsServer({
      ...settings.listen,
      tls: settings.tls,
      logger,
      maxHeaderBytes: limits.maxHeaderBytes,
      maxConnections: limits.maxConnections,
      headersTimeoutMs: limits.requestHeadersTimeoutSeconds * 1000,
      requestTimeoutMs: limits.requestTimeoutSeconds * 1000,
      onRequest: handler.onRequest,
      onUpgrade: handler.onUpgrade,
    });
  } catch (err) {
    await closeAll();
    throw err;
  }
  let operationsServer: RunningServer;
  try {
    operationsServer = await startHttpsServer({
      ...settings.operationsListen,
      tls: settings.tls,
      logger,
      operations,
      onRequest: (_req, res) => {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found: this port serves /healthz, /readyz and /metrics\n');
      },
    });
  } catch (err) {
    await proxyServer.shutdown(0);
    await closeAll();
    throw err;
  }
  logger.info({ listen: proxyServer.url, operations: operationsServer.url, upstream: settings.upstream.url }, 'gatehouse proxy started');
  let stopping: Promise<void> | undefined;
  return {
    url: proxyServer.url,
    operationsUrl: operationsServer.url,
    authenticator,
    shutdown() {
      stopping ??= (async () => {
        operations.setDraining();
        const grace = limits.shutdownGracePeriodSeconds * 1000;
        await proxyServer.shutdown(grace);
        // Connections are gone; the last sessions' records follow within moments.
        await Promise.race([handler.settled(), new Promise((r) => setTimeout(r, 1000).unref())]);
        await operationsServer.shutdown(1000);
        await closeAll();
      })();
      return stopping;
    },
  };
}
