// The effective `gatehouse proxy` settings: command-line flags over the ProxyConfiguration file over defaults,
// resolved and checked before anything starts (files readable, exactly one upstream credential, addresses
// parseable). Problems name the setting as `field (--flag)` so either source can be fixed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config/config-error.js';
import { Issues } from '../config/fields.js';
import { parseListenAddress, type ListenAddress } from '../server/listen-address.js';
import type { CertificateFiles } from '../server/tls-reloader.js';
import type { ClientImpersonationMode } from './admission-pipeline.js';
import type { AccessOptions, ProxyConfigurationFile, ProxyLimits, UpstreamOptions } from './proxy-configuration.js';
import { readKubeconfig } from './kubeconfig.js';
import { readTokenFile } from './token-file.js';
import { parseUpstreamUrl, type UpstreamSettings } from './upstream.js';
import type { AccessPolicySet } from './access-policy.js';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface ProxyFlags {
  authenticationConfig?: string;
  upstream?: string;
  upstreamCa?: string;
  upstreamTokenFile?: string;
  upstreamClientCert?: string;
  upstreamClientKey?: string;
  inCluster?: boolean;
  kubeconfig?: string;
  listen?: string;
  operationsListen?: string;
  tlsCert?: string;
  tlsKey?: string;
  auditLog?: string;
  clientImpersonation?: ClientImpersonationMode;
  logLevel?: string;
}

export interface ProxySettings {
  authenticationConfig: string;
  listen: ListenAddress;
  /** Where /healthz, /readyz and /metrics are served (HTTPS, same certificate). */
  operationsListen: ListenAddress;
  tls: CertificateFiles;
  upstream: UpstreamSettings;
  auditLog?: string;
  clientImpersonation: ClientImpersonationMode;
  logLevel: string;
  limits: ProxyLimits;
  access: AccessOptions;
  accessPolicies: AccessPolicySet;
}

export interface ResolveEnvironment {
  env: NodeJS.ProcessEnv;
  serviceAccountDir: string;
}

const DEFAULT_LISTEN = '0.0.0.0:8443';
const DEFAULT_OPERATIONS_LISTEN = '0.0.0.0:9443';

function readable(issues: Issues, path: string, file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch (err) {
    issues.add(path, `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    return undefined;
  }
}

function resolveUpstream(options: UpstreamOptions, issues: Issues, environment: ResolveEnvironment): UpstreamSettings | undefined {
  const path = 'upstream';
  const modes = [
    options.tokenFile !== undefined && 'tokenFile (--upstream-token-file)',
    (options.clientCertFile !== undefined || options.clientKeyFile !== undefined) && 'clientCertFile/clientKeyFile (--upstream-client-cert/--upstream-client-key)',
    options.inCluster === true && 'inCluster (--in-cluster)',
    options.kubeconfig !== undefined && 'kubeconfig (--kubeconfig)',
  ].filter((m): m is string => typeof m === 'string');
  if (modes.length !== 1) {
    issues.add(path, modes.length === 0 ? 'an upstream credential is required: one of tokenFile, clientCertFile+clientKeyFile, inCluster or kubeconfig' : `give exactly one upstream credential (got ${modes.join(', ')})`);
    return undefined;
  }
  let url = options.url;
  let ca = options.caFile !== undefined ? readable(issues, 'upstream.caFile (--upstream-ca)', options.caFile) : undefined;
  let credential: UpstreamSettings['credential'] | undefined;
  let tlsServerName: string | undefined;
  if (options.inCluster) {
    const host = environment.env.KUBERNETES_SERVICE_HOST;
    const port = environment.env.KUBERNETES_SERVICE_PORT;
    if (!host || !port) return issues.add('upstream.inCluster (--in-cluster)', 'KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set (not running in a pod?)');
    url ??= `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
    ca ??= readable(issues, 'upstream.inCluster (--in-cluster)', join(environment.serviceAccountDir, 'ca.crt'));
    credential = { type: 'tokenFile', path: join(environment.serviceAccountDir, 'token') };
  } else if (options.kubeconfig !== undefined) {
    try {
      const kc = readKubeconfig(options.kubeconfig);
      url ??= kc.server;
      ca ??= kc.ca;
      tlsServerName = kc.tlsServerName;
      if (kc.tokenFile) credential = { type: 'tokenFile', path: kc.tokenFile };
      else if (kc.token) credential = { type: 'token', token: kc.token };
      else if (kc.clientCert && kc.clientKey) credential = { type: 'clientCertificate', cert: kc.clientCert, key: kc.clientKey };
      else issues.add('upstream.kubeconfig (--kubeconfig)', `${options.kubeconfig}: the current context's user has no token, token file or client certificate`);
    } catch (err) {
      issues.add('upstream.kubeconfig (--kubeconfig)', (err as Error).message);
    }
  } else if (options.tokenFile !== undefined) {
    credential = { type: 'tokenFile', path: options.tokenFile };
  } else {
    if (options.clientCertFile === undefined) issues.add('upstream.clientCertFile (--upstream-client-cert)', 'required with clientKeyFile');
    if (options.clientKeyFile === undefined) issues.add('upstream.clientKeyFile (--upstream-client-key)', 'required with clientCertFile');
    const cert = options.clientCertFile && readable(issues, 'upstream.clientCertFile (--upstream-client-cert)', options.clientCertFile);
    const key = options.clientKeyFile && readable(issues, 'upstream.clientKeyFile (--upstream-client-key)', options.clientKeyFile);
    if (cert && key) credential = { type: 'clientCertificate', cert, key };
  }
  if (credential?.type === 'tokenFile') {
    try {
      readTokenFile(credential.path);
    } catch (err) {
      issues.add('upstream.tokenFile (--upstream-token-file)', (err as Error).message);
    }
  }
  if (url === undefined) return issues.add('upstream.url (--upstream)', 'required field is missing');
  try {
    parseUpstreamUrl(url);
  } catch (err) {
    issues.add('upstream.url (--upstream)', (err as Error).message);
  }
  if (!credential || !issues.empty) return undefined;
  return { url, credential, ...(ca ? { ca } : {}), ...(tlsServerName ? { tlsServerName } : {}) };
}

function listenAddress(issues: Issues, path: string, value: string): ListenAddress | undefined {
  try {
    return parseListenAddress(value);
  } catch (err) {
    return issues.add(path, (err as Error).message);
  }
}

/** Merges flags over the file; throws ConfigError naming every problem. */
export function resolveProxySettings(flags: ProxyFlags, file: ProxyConfigurationFile, source: string, environment: ResolveEnvironment): ProxySettings {
  const issues = new Issues();
  const authenticationConfig = flags.authenticationConfig ?? file.authenticationConfig;
  if (authenticationConfig === undefined) issues.add('authenticationConfig (--authentication-config)', 'required field is missing');
  const listen = listenAddress(issues, 'listen (--listen)', flags.listen ?? file.listen ?? DEFAULT_LISTEN);
  const operationsListen = listenAddress(issues, 'operationsListen (--operations-listen)', flags.operationsListen ?? file.operationsListen ?? DEFAULT_OPERATIONS_LISTEN);
  const certFile = flags.tlsCert ?? file.tls?.certFile;
  const keyFile = flags.tlsKey ?? file.tls?.keyFile;
  if (certFile === undefined) issues.add('tls.certFile (--tls-cert)', 'required field is missing: the proxy serves HTTPS only');
  if (keyFile === undefined) issues.add('tls.keyFile (--tls-key)', 'required field is missing: the proxy serves HTTPS only');
  const fromFlags: UpstreamOptions = {
    ...(flags.upstream !== undefined ? { url: flags.upstream } : {}),
    ...(flags.upstreamCa !== undefined ? { caFile: flags.upstreamCa } : {}),
  };
  const credentialFlags: UpstreamOptions = {
    ...(flags.upstreamTokenFile !== undefined ? { tokenFile: flags.upstreamTokenFile } : {}),
    ...(flags.upstreamClientCert !== undefined ? { clientCertFile: flags.upstreamClientCert } : {}),
    ...(flags.upstreamClientKey !== undefined ? { clientKeyFile: flags.upstreamClientKey } : {}),
    ...(flags.inCluster ? { inCluster: true } : {}),
    ...(flags.kubeconfig !== undefined ? { kubeconfig: flags.kubeconfig } : {}),
  };
  // A credential given on the command line replaces the file's credential as a whole (never mixes with it).
  const fileUpstream = file.upstream ?? {};
  const fileCredential: UpstreamOptions = Object.keys(credentialFlags).length > 0 ? {} : fileUpstream;
  const upstream = resolveUpstream(
    { ...(fileUpstream.url !== undefined ? { url: fileUpstream.url } : {}), ...(fileUpstream.caFile !== undefined ? { caFile: fileUpstream.caFile } : {}), ...fileCredential, ...credentialFlags, ...fromFlags },
    issues,
    environment,
  );
  if (!issues.empty || !upstream || !listen || !operationsListen || !certFile || !keyFile || !authenticationConfig) throw new ConfigError(source, issues.list);
  const auditLog = flags.auditLog ?? file.auditLog;
  return {
    authenticationConfig,
    listen,
    operationsListen,
    tls: { certFile, keyFile },
    upstream,
    ...(auditLog !== undefined ? { auditLog } : {}),
    clientImpersonation: flags.clientImpersonation ?? file.clientImpersonation ?? 'Deny',
    logLevel: flags.logLevel ?? file.logLevel ?? 'info',
    limits: file.limits,
    access: file.access,
    accessPolicies: file.accessPolicies,
  };
}
