// The real API server and how the proxy talks to it: one keep-alive HTTPS agent (a connection pool), TLS verified
// against the configured CA (never skipped), and the proxy's own credential — a bearer token (re-read from its file
// as it rotates) or a client certificate.
//
// Usage:
//   const upstream = createUpstream({ url, ca, credential: { type: 'tokenFile', path } }, logger);
//   const req = upstream.request('GET', '/api/v1/pods', headers);   // headers from header-hygiene.ts
//   upstream.authorization()   // 'Bearer …' or undefined for client-certificate credentials
import { Agent, request as httpsRequest } from 'node:https';
import type { ClientRequest, OutgoingHttpHeaders } from 'node:http';
import type { Logger } from '../server/logger.js';
import { watchTokenFile, type TokenSource } from './token-file.js';

export type UpstreamCredential =
  | { type: 'tokenFile'; path: string }
  | { type: 'token'; token: string }
  | { type: 'clientCertificate'; cert: Buffer; key: Buffer };

export interface UpstreamSettings {
  url: string;
  /** CA bundle that verifies the upstream; the system roots are used when absent. */
  ca?: Buffer;
  tlsServerName?: string;
  credential: UpstreamCredential;
  /** Most concurrent connections to the upstream (default 512). */
  maxSockets?: number;
}

export interface Upstream {
  readonly url: URL;
  authorization(): string | undefined;
  request(method: string, pathAndQuery: string, headers: OutgoingHttpHeaders): ClientRequest;
  close(): void;
}

export function parseUpstreamUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`"${value}" is not a URL`);
  }
  if (url.protocol !== 'https:') throw new Error(`"${value}" must use https`);
  if (url.username || url.password || url.search || url.hash) throw new Error(`"${value}" must not carry credentials, a query or a fragment`);
  return url;
}

export function createUpstream(settings: UpstreamSettings, logger: Logger): Upstream {
  const url = parseUpstreamUrl(settings.url);
  const { credential } = settings;
  const agent = new Agent({
    keepAlive: true,
    maxSockets: settings.maxSockets ?? 512,
    maxFreeSockets: 64,
    minVersion: 'TLSv1.2',
    ...(settings.ca ? { ca: settings.ca } : {}),
    ...(settings.tlsServerName ? { servername: settings.tlsServerName } : {}),
    ...(credential.type === 'clientCertificate' ? { cert: credential.cert, key: credential.key } : {}),
  });
  let tokens: TokenSource | undefined;
  if (credential.type === 'tokenFile') tokens = watchTokenFile(credential.path, logger);
  const pathPrefix = url.pathname.replace(/\/+$/, '');
  const authorization = (): string | undefined => {
    if (tokens) return `Bearer ${tokens.token()}`;
    if (credential.type === 'token') return `Bearer ${credential.token}`;
    return undefined;
  };
  return {
    url,
    authorization,
    request(method, pathAndQuery, headers) {
      return httpsRequest({
        agent,
        protocol: 'https:',
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port || 443,
        method,
        path: pathPrefix + pathAndQuery,
        headers,
        ...(settings.tlsServerName ? { servername: settings.tlsServerName } : {}),
      });
    },
    close() {
      tokens?.close();
      agent.destroy();
    },
  };
}
