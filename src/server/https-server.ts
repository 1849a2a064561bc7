// The HTTPS listener every Gatehouse server uses: TLS 1.2+ with certificate reload (tls-reloader.ts), bounded
// header size and header/request timeouts, operational endpoints (operations.ts) in front of the application
// handler, malformed requests answered with a Status, and graceful shutdown.
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
import { endSocketWithStatus } from './status.js';
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

function rejectMalformed(err: NodeJS.ErrnoException, socket: Duplex, logger: Logger): void {
  logger.info({ code: err.code }, 'malformed request refused');
  if (err.code === 'HPE_HEADER_OVERFLOW') endSocketWithStatus(socket, 431, 'BadRequest', 'request headers too large');
  else endSocketWithStatus(socket, 400, 'BadRequest', `malformed HTTP request: ${err.code ?? 'parse error'}`);
}

export async function startHttpsServer(options: HttpsServerOptions): Promise<RunningServer> {
  const { logger, operations } = options;
  const pair = readCertificatePair(options.tls);
  const clientCa = options.tls.clientCaFile ? readFileSync(options.tls.clientCaFile) : undefined;
  const server = createServer({
    ...pair,
    minVersion: 'TLSv1.2',
    maxHeaderSize: options.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES,
    headersTimeout: options.headersTimeoutMs ?? 30_000,
    requestTimeout: options.requestTimeoutMs ?? 0,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 65_000,
    ...(clientCa ? { ca: clientCa, requestCert: true, rejectUnauthorized: true } : {}),
  });
  const reloader = watchCertificatePair(server, { ...options.tls, logger, initial: pair });
  const sockets = new Set<Socket>();
  const streams = new Set<() => void>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => rejectMalformed(err, socket, logger));
  server.on('tlsClientError', (err: Error) => logger.debug({ err: err.message }, 'TLS handshake failed'));
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (operations?.handle(req, res)) return;
    options.onRequest(req, res);
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
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
