// The real API server and how the proxy talks to it: keep-alive connection pools, TLS verified against the
// configured CA (never skipped), and the proxy's own credential — a bearer token (re-read from its file as it
// rotates) or a client certificate.
//
// Forwarded requests go through an undici pool (`dispatch`): its HTTP client costs about half as much CPU per request
// as node:https with a keep-alive Agent (bench/proxy.bench.ts). Upgrades (exec, attach, port-forward) and the
// proxy's own small API calls use a node:https Agent (`request`), which hands over the raw socket after a 101 and
// also delivers any other answer: undici's upgrade API fails on a non-101 answer, and the API server's refusal (a
// 403 Status for an exec the user may not run) must reach kubectl as it was sent.
//
// Usage:
//   const upstream = createUpstream({ url, ca, credential: { type: 'tokenFile', path } }, logger);
//   upstream.dispatch({ method: 'GET', path: '/api/v1/pods', headers }, handler);   // headers from header-hygiene.ts
//   const req = upstream.request('GET', '/api/v1/pods', headers);
//   upstream.authorization()   // 'Bearer …' or undefined for client-certificate credentials
import { Agent, request as httpsRequest } from 'node:https';
import type { ClientRequest, OutgoingHttpHeaders } from 'node:http';
import { Pool, type Dispatcher } from 'undici';
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

/** A forwarded request; `path` is the client's path and query (the upstream URL's own path is put in front). */
export type UpstreamDispatch = Pick<Dispatcher.DispatchOptions, 'method' | 'path' | 'headers' | 'body' | 'headersTimeout'>;

export interface Upstream {
  readonly url: URL;
  authorization(): string | undefined;
  /** Sends a forwarded request through the pool; the handler receives the response as it streams. */
  dispatch(options: UpstreamDispatch, handler: Dispatcher.DispatchHandler): void;
  request(method: string, pathAndQuery: string, headers: OutgoingHttpHeaders): ClientRequest;
  close(): Promise<void>;
}

/** How long a connection to the API server may take to establish (TCP and TLS) before the request fails. */
export const UPSTREAM_CONNECT_TIMEOUT_MS = 10_000;

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
  const tlsOptions = {
    minVersion: 'TLSv1.2' as const,
    ...(settings.ca ? { ca: settings.ca } : {}),
    ...(settings.tlsServerName ? { servername: settings.tlsServerName } : {}),
    ...(credential.type === 'clientCertificate' ? { cert: credential.cert, key: credential.key } : {}),
  };
  const maxSockets = settings.maxSockets ?? 512;
  const agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: 64, ...tlsOptions });
  const pool = new Pool(url.origin, {
    connections: maxSockets,
    connect: { ...tlsOptions, rejectUnauthorized: true, timeout: UPSTREAM_CONNECT_TIMEOUT_MS },
    // Watches and `logs -f` may stay quiet for long; the proxy bounds the wait for response headers per request.
    bodyTimeout: 0,
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
    dispatch(options, handler) {
      pool.dispatch({ ...options, path: pathPrefix + options.path }, handler);
    },
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
    async close() {
      tokens?.close();
      agent.destroy();
      await pool.destroy();
    },
  };
}
