// The HTTPS listener every Gatehouse server uses: TLS 1.2+ with certificate reload (tls-reloader.ts), bounded
// header size and header/request timeouts, a bound on concurrent connections, operational endpoints
// (operations.ts) in front of the application handler, malformed requests answered with a Status, and graceful
// shutdown.
//
// Slow clients: a request head must arrive within `headersTimeoutMs` and a whole request (head and body) within
// `requestTimeoutMs`, else the client gets 408 and the connection is closed (a slowloris holds nothing for long).
// A request counts as received once its body has ended, so watches and exec sessions are not cut off by it.
// Connections beyond `maxConnections` are served one 429 Status (with Retry-After, as the API server answers when
// it is saturated) and closed; beyond that and a small margin for those answers, they are dropped unanswered.
//
// Usage:
//   const server = await startHttpsServer({ host: '0.0.0.0', port: 8443, tls: { certFile, keyFile }, logger,
//     operations, onRequest: (req, res) => …, onUpgrade: (req, socket, head) => … });
//   server.url                                   // https://127.0.0.1:PORT (the bound address; port 0 picks one)
//   const done = server.trackStream(() => res.end()); …; done();   // long-lived streams (watch, exec)
//   await server.shutdown(25_000);
//
// Shutdown: /readyz turns 503, the listener stops accepting, idle keep-alive connections are closed, every tracked
// long-lived stream is asked to close cleanly (a watch ends its response, an exec session sends a close frame),
// in-flight requests may finish until the deadline, then the remaining connections are destroyed.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { readFileSync } from 'node:fs';
import type { Logger } from './logger.js';
import type { OperationsHandler } from './operations.js';
import { endSocketWithStatus, writeStatus } from './status.js';
import { readCertificatePair, watchCertificatePair, type CertificateFiles } from './tls-reloader.js';

export interface HttpsServerOptions {
  host: string;
  port: number;
  tls: CertificateFiles & {
    /** When set, clients must present a certificate signed by this CA (PEM file). */
    clientCaFile?: string;
  };
  logger: Logger;
  onRequest(req: IncomingMessage, res: ServerResponse): void;
  /** Upgrade requests (WebSocket, SPDY); when absent they are refused. */
  onUpgrade?(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  operations?: OperationsHandler;
  /** Largest request head accepted (default 32 KiB); larger heads get 431. */
  maxHeaderBytes?: number;
  /** Time allowed to receive a request's headers (default 30 s). */
  headersTimeoutMs?: number;
  /** Time allowed to receive a whole request, 0 = none (default 0: watch and exec requests are long-lived). */
  requestTimeoutMs?: number;
  /** Idle keep-alive timeout (default 65 s, above common load balancers' 60 s). */
  keepAliveTimeoutMs?: number;
  /** Most concurrent client connections (default: no limit). */
  maxConnections?: number;
}

export interface RunningServer {
  server: Server;
  host: string;
  port: number;
  url: string;
  /** Registers a long-lived stream to close on shutdown; call the returned function when the stream ends. */
  trackStream(close: () => void): () => void;
  shutdown(deadlineMs?: number): Promise<void>;
}

const DEFAULT_MAX_HEADER_BYTES = 32 * 1024;
const DEFAULT_HEADERS_TIMEOUT_MS = 30_000;

/** Connections past the limit that may still be answered with a refusal before new ones are dropped. */
export function refusalMargin(maxConnections: number): number {
  return Math.max(8, Math.ceil(maxConnections / 8));
}

function rejectClientError(err: NodeJS.ErrnoException, socket: Duplex, logger: Logger, timeouts: { headersMs: number; requestMs: number }): void {
  // A response already under way cannot be replaced by an error: the connection is cut instead.
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent: boolean } | null })._httpMessage;
  if (inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    logger.info({ code: err.code }, 'slow request refused');
    const limits = `head within ${timeouts.headersMs / 1000}s${timeouts.requestMs > 0 ? `, whole request within ${timeouts.requestMs / 1000}s` : ''}`;
    endSocketWithStatus(socket, 408, 'Timeout', `the request was not received in time (${limits})`);
    return;
  }
  logger.info({ code: err.code }, 'malformed request refused');
  if (err.code === 'HPE_HEADER_OVERFLOW') endSocketWithStatus(socket, 431, 'BadRequest', 'request headers too large');
  else endSocketWithStatus(socket, 400, 'BadRequest', `malformed HTTP request: ${err.code ?? 'parse error'}`);
}

export async function startHttpsServer(options: HttpsServerOptions): Promise<RunningServer> {
  const { logger, operations } = options;
  const pair = readCertificatePair(options.tls);
  const clientCa = options.tls.clientCaFile ? readFileSync(options.tls.clientCaFile) : undefined;
  const timeouts = { headersMs: options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS, requestMs: options.requestTimeoutMs ?? 0 };
  const server = createServer({
    ...pair,
    minVersion: 'TLSv1.2',
    maxHeaderSize: options.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES,
    headersTimeout: timeouts.headersMs,
    requestTimeout: timeouts.requestMs,
    // Node checks these deadlines on this interval (30 s by default), which would double a short timeout.
    connectionsCheckingInterval: Math.min(1000, timeouts.headersMs / 2),
    // A client that never finishes the TLS handshake is held no longer than one that never sends its headers.
    handshakeTimeout: timeouts.headersMs,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 65_000,
    ...(clientCa ? { ca: clientCa, requestCert: true, rejectUnauthorized: true } : {}),
  });
  const { maxConnections } = options;
  if (maxConnections !== undefined) server.maxConnections = maxConnections + refusalMargin(maxConnections);
  const reloader = watchCertificatePair(server, { ...options.tls, logger, initial: pair });
  const sockets = new Set<Socket>();
  const streams = new Set<() => void>();
  // TLS connections accepted beyond maxConnections: their requests are refused.
  const overLimit = new WeakSet<object>();
  let secureConnections = 0;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('secureConnection', (socket: Socket) => {
    secureConnections++;
    socket.once('close', () => secureConnections--);
    if (maxConnections !== undefined && secureConnections > maxConnections) overLimit.add(socket);
  });
  const refusal = () => `too many connections: this server accepts at most ${maxConnections}; retry later`;
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => rejectClientError(err, socket, logger, timeouts));
  server.on('tlsClientError', (err: Error) => logger.debug({ err: err.message }, 'TLS handshake failed'));
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (overLimit.has(req.socket)) {
      res.shouldKeepAlive = false;
      res.setHeader('retry-after', '1');
      writeStatus(res, 429, 'TooManyRequests', refusal());
      req.resume();
      return;
    }
    if (operations?.handle(req, res)) return;
    options.onRequest(req, res);
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (overLimit.has(socket)) {
      endSocketWithStatus(socket, 429, 'TooManyRequests', refusal(), { 'Retry-After': '1' });
      return;
    }
    if (options.onUpgrade) {
      options.onUpgrade(req, socket, head);
      return;
    }
    endSocketWithStatus(socket, 400, 'BadRequest', 'upgrade requests are not supported here');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => logger.error({ err: err.message }, 'server error'));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('server has no TCP address');
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let shuttingDown: Promise<void> | undefined;
  const shutdown = (deadlineMs = 25_000): Promise<void> => {
    shuttingDown ??= new Promise<void>((resolve) => {
      operations?.setDraining();
      reloader.close();
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeIdleConnections();
      for (const close of [...streams]) {
        try {
          close();
        } catch (err) {
          logger.warn({ err: (err as Error).message }, 'closing a long-lived stream failed');
        }
      }
      // Responses finishing during the drain leave keep-alive connections idle; close them as they appear.
      const idleSweep = setInterval(() => server.closeIdleConnections(), 50);
      const deadline = setTimeout(() => {
        logger.warn({ connections: sockets.size }, 'shutdown deadline reached; closing remaining connections');
        for (const socket of sockets) socket.destroy();
      }, deadlineMs);
      void closed.then(() => {
        clearInterval(idleSweep);
        clearTimeout(deadline);
        resolve();
      });
    });
    return shuttingDown;
  };

  return {
    server,
    host: address.address,
    port: address.port,
    url: `https://${urlHost}:${address.port}`,
    trackStream(close) {
      streams.add(close);
      return () => streams.delete(close);
    },
    shutdown,
  };
}
