// Starts the admission webhook in-process on a loopback port it picks, with a test CA, and captures its logs.
import { Writable } from 'node:stream';
import { DEFAULT_SETTINGS, type AdmissionSettings } from '../../../src/admission/config.js';
import { NO_CLUSTER_OBJECTS, type ClusterObjects } from '../../../src/admission/cluster-objects.js';
import type { PolicySetParts } from '../../../src/admission/policy-set.js';
import { startAdmissionServer, type AdmissionServer } from '../../../src/admission/server.js';
import { createLogger } from '../../../src/server/logger.js';
import { createTestTls, type TestTls } from '../../support/tls.js';

export interface TestWebhook {
  url: string;
  ca: string;
  server: AdmissionServer;
  tls: TestTls;
  /** Parsed JSON log lines written so far. */
  logs(): Record<string, unknown>[];
  close(): Promise<void>;
}

export interface TestWebhookOptions {
  settings?: Partial<AdmissionSettings>;
  policyPaths?: string[];
  loadPolicies?: () => Promise<PolicySetParts>;
  cluster?: ClusterObjects;
  policyPollIntervalMs?: number;
}

export async function startTestWebhook(options: TestWebhookOptions): Promise<TestWebhook> {
  const tls = await createTestTls();
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter((l) => l !== ''));
      done();
    },
  });
  const logger = createLogger({ name: 'admission', level: 'debug', destination });
  const settings = { ...DEFAULT_SETTINGS, ...options.settings };
  const server = await startAdmissionServer({
    host: '127.0.0.1',
    port: 0,
    tls: { certFile: tls.serverCertFile, keyFile: tls.serverKeyFile },
    settings,
    policyPaths: options.policyPaths ?? [],
    loadPolicies: options.loadPolicies ?? (async () => ({ podSecurity: [], builtin: [], declared: [] })),
    cluster: options.cluster ?? NO_CLUSTER_OBJECTS,
    logger,
    ...(options.policyPollIntervalMs !== undefined ? { policyPollIntervalMs: options.policyPollIntervalMs } : {}),
  });
  return {
    url: server.url,
    ca: tls.ca,
    server,
    tls,
    logs: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
    async close() {
      await server.shutdown(2000);
      tls.cleanup();
    },
  };
}
