// Reads the upstream (server URL, CA, credential) from a kubeconfig's current context. Only static credentials
// are supported — token, token file, client certificate/key — because the proxy runs unattended; exec and
// auth-provider plugins and `insecure-skip-tls-verify` are refused with an error naming the field.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { CONFIG_LIMITS, readYamlFileSync } from '../config/load.js';

export interface KubeconfigUpstream {
  server: string;
  ca?: Buffer;
  tlsServerName?: string;
  token?: string;
  tokenFile?: string;
  clientCert?: Buffer;
  clientKey?: Buffer;
}

type Named = { name?: unknown };

function record(value: unknown, field: string, file: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${file}: ${field}: must be an object`);
  return value as Record<string, unknown>;
}

function findNamed(list: unknown, name: string, field: string, file: string): Record<string, unknown> {
  if (!Array.isArray(list)) throw new Error(`${file}: ${field}: must be a list`);
  const index = list.findIndex((item) => (item as Named | null)?.name === name);
  if (index < 0) throw new Error(`${file}: ${field}: no entry named "${name}"`);
  return record((list[index] as Record<string, unknown>)[field.slice(0, -1)], `${field}[${index}].${field.slice(0, -1)}`, file);
}

function optionalString(obj: Record<string, unknown>, key: string, field: string, file: string): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new Error(`${file}: ${field}.${key}: must be a string`);
  return value;
}

export function readKubeconfig(file: string): KubeconfigUpstream {
  let doc: unknown;
  try {
    doc = readYamlFileSync(file, { ...CONFIG_LIMITS, maxAliases: 0 });
  } catch (err) {
    throw new Error(`cannot read kubeconfig: ${(err as Error).message}`);
  }
  const root = record(doc, '(root)', file);
  const contextName = optionalString(root, 'current-context', '(root)', file);
  if (!contextName) throw new Error(`${file}: current-context: Required value`);
  const context = findNamed(root.contexts, contextName, 'contexts', file);
  const clusterName = optionalString(context, 'cluster', `context "${contextName}"`, file);
  const userName = optionalString(context, 'user', `context "${contextName}"`, file);
  if (!clusterName) throw new Error(`${file}: contexts[${contextName}].context.cluster: Required value`);
  const cluster = findNamed(root.clusters, clusterName, 'clusters', file);
  const base = dirname(file);
  const path = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  const bytes = (obj: Record<string, unknown>, dataKey: string, fileKey: string, field: string): Buffer | undefined => {
    const data = optionalString(obj, dataKey, field, file);
    if (data) return Buffer.from(data, 'base64');
    const ref = optionalString(obj, fileKey, field, file);
    if (!ref) return undefined;
    try {
      return readFileSync(path(ref));
    } catch (err) {
      throw new Error(`${file}: ${field}.${fileKey}: cannot read ${ref}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  };
  const clusterField = `clusters[${clusterName}].cluster`;
  const server = optionalString(cluster, 'server', clusterField, file);
  if (!server) throw new Error(`${file}: ${clusterField}.server: Required value`);
  if (cluster['insecure-skip-tls-verify'] === true) throw new Error(`${file}: ${clusterField}.insecure-skip-tls-verify: not allowed; give the cluster's CA`);
  const result: KubeconfigUpstream = { server };
  const ca = bytes(cluster, 'certificate-authority-data', 'certificate-authority', clusterField);
  if (ca) result.ca = ca;
  const tlsServerName = optionalString(cluster, 'tls-server-name', clusterField, file);
  if (tlsServerName) result.tlsServerName = tlsServerName;
  if (!userName) return result;
  const user = findNamed(root.users, userName, 'users', file);
  const userField = `users[${userName}].user`;
  for (const unsupported of ['exec', 'auth-provider', 'username', 'password']) {
    if (user[unsupported] !== undefined) throw new Error(`${file}: ${userField}.${unsupported}: not supported for the proxy's upstream credential; use a token, token file or client certificate`);
  }
  const token = optionalString(user, 'token', userField, file);
  if (token) result.token = token;
  const tokenFile = optionalString(user, 'tokenFile', userField, file);
  if (tokenFile) result.tokenFile = path(tokenFile);
  const clientCert = bytes(user, 'client-certificate-data', 'client-certificate', userField);
  const clientKey = bytes(user, 'client-key-data', 'client-key', userField);
  if (Boolean(clientCert) !== Boolean(clientKey)) throw new Error(`${file}: ${userField}: client-certificate and client-key must be given together`);
  if (clientCert && clientKey) Object.assign(result, { clientCert, clientKey });
  return result;
}
