// Forwards one HTTP request to the upstream and streams the answer back. Nothing is buffered: the request body is
// piped through a byte counter (the size limit aborts the upstream request), and every response chunk is written
// to the client as it arrives, so watches and `logs -f` flow line by line. Failures before the upstream answers
// become Status errors: 413 (body too large), 408 (the body stalled: no bytes for `bodyIdleTimeoutMs` while the
// proxy was ready to read), 502 (upstream unreachable), 504 (no response headers in time). A refused body leaves
// the client connection closed, since its unread rest cannot be told apart from a next request.
// A client that goes away tears down its upstream request, so an abandoned watch does not linger upstream.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import { writeStatus } from '../server/status.js';
import { clientResponseHeaders } from './header-hygiene.js';
import type { Upstream } from './upstream.js';

export interface ForwardOptions {
  upstream: Upstream;
  headers: OutgoingHttpHeaders;
  maxBodyBytes: number;
  /** Longest pause between request body bytes. */
  bodyIdleTimeoutMs: number;
  /** Time the upstream has to send response headers. */
  responseHeaderTimeoutMs: number;
  /** Registers the exchange as a long-lived stream (watch, follow) to close on shutdown. */
  trackStream?: (close: () => void) => () => void;
}

export interface ForwardOutcome {
  /** Status code the client received (0 when the client left before any answer). */
  code: number;
  /** Upstream round trip to response headers, in seconds (absent when there was no response). */
  upstreamSeconds?: number;
  /** Why the exchange did not complete normally. */
  error?: string;
}

class BodyTooLarge extends Error {}

function byteLimit(limit: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      seen += chunk.length;
      if (seen > limit) done(new BodyTooLarge(`request body larger than ${limit} bytes`));
      else done(null, chunk);
    },
  });
}

export function forwardRequest(req: IncomingMessage, res: ServerResponse, options: ForwardOptions): Promise<ForwardOutcome> {
  return new Promise((resolve) => {
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > options.maxBodyBytes) {
      writeStatus(res, 413, 'RequestEntityTooLarge', `request body larger than ${options.maxBodyBytes} bytes`);
      req.resume();
      resolve({ code: 413, error: 'body too large' });
      return;
    }
    const started = process.hrtime.bigint();
    const upstreamReq = options.upstream.request(req.method ?? 'GET', req.url ?? '/', options.headers);
    let settled = false;
    let responded = false;
    let untrack = () => {};
    let headerTimer: NodeJS.Timeout | undefined;
    let bodyIdleTimer: NodeJS.Timeout | undefined;
    let endEarly = (_why: string) => {};
    const finish = (outcome: ForwardOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(headerTimer);
      clearTimeout(bodyIdleTimer);
      untrack();
      resolve(outcome);
    };
    const fail = (code: number, reason: 'ServiceUnavailable' | 'Timeout' | 'RequestEntityTooLarge', message: string) => {
      upstreamReq.destroy();
      if (!req.complete) res.shouldKeepAlive = false;
      writeStatus(res, code, reason, message);
      finish({ code: res.headersSent ? res.statusCode : code, error: message });
    };
    headerTimer = setTimeout(
      () => fail(504, 'Timeout', `the upstream API server did not answer within ${options.responseHeaderTimeoutMs / 1000}s`),
      options.responseHeaderTimeoutMs,
    );
    upstreamReq.on('error', (err: NodeJS.ErrnoException) => {
      if (responded) endEarly(`upstream stream failed: ${err.code ?? err.message}`);
      else if (!settled) fail(502, 'ServiceUnavailable', `the upstream API server is unreachable (${err.code ?? err.message})`);
    });
    if (options.trackStream) {
      untrack = options.trackStream(() => {
        if (responded) upstreamReq.destroy();
        else fail(503, 'ServiceUnavailable', 'the proxy is shutting down; retry');
      });
    }
    upstreamReq.on('response', (upstreamRes: IncomingMessage) => {
      clearTimeout(headerTimer);
      const upstreamSeconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (settled) {
        upstreamRes.resume();
        return;
      }
      responded = true;
      res.writeHead(upstreamRes.statusCode ?? 502, clientResponseHeaders(upstreamRes.rawHeaders, upstreamRes.headers));
      // A stream (watch, logs -f) must reach the client before its first event; a sized body goes out with its head.
      if (upstreamRes.headers['content-length'] === undefined) res.flushHeaders();
      // A chunked body (watch, follow) is ended cleanly so the client sees the stream close and re-lists; a body
      // with a declared length cannot be completed, so the client connection is dropped instead.
      endEarly = (why) => {
        if (upstreamRes.headers['content-length'] === undefined) res.end();
        else res.destroy();
        finish({ code: res.statusCode, upstreamSeconds, error: why });
      };
      upstreamRes.on('data', (chunk: Buffer) => {
        if (!res.write(chunk)) {
          upstreamRes.pause();
          res.once('drain', () => upstreamRes.resume());
        }
      });
      upstreamRes.on('end', () => {
        res.end();
        finish({ code: res.statusCode, upstreamSeconds });
      });
      upstreamRes.on('error', () => endEarly('upstream response ended early'));
      upstreamRes.on('close', () => {
        if (!upstreamRes.complete) endEarly('upstream response ended early');
      });
    });
    res.on('close', () => {
      if (!res.writableFinished) {
        upstreamReq.destroy();
        finish({ code: res.headersSent ? res.statusCode : 0, error: 'client disconnected' });
      }
    });
    req.on('aborted', () => upstreamReq.destroy());
    if (declared === undefined && req.headers['transfer-encoding'] === undefined) {
      // No body (GET, DELETE without one): nothing to count or stream.
      req.resume();
      upstreamReq.end();
      return;
    }
    const limiter = byteLimit(options.maxBodyBytes);
    const stalled = () => {
      if (responded) return; // the upstream has answered; the rest of the body no longer matters
      // A pause the proxy caused (the upstream not reading yet) is not the client's.
      if (req.readableFlowing === false || limiter.writableNeedDrain) {
        bodyIdleTimer = setTimeout(stalled, options.bodyIdleTimeoutMs);
        return;
      }
      req.unpipe(limiter);
      req.resume();
      fail(408, 'Timeout', `the request body stalled: no data for ${options.bodyIdleTimeoutMs / 1000}s`);
    };
    bodyIdleTimer = setTimeout(stalled, options.bodyIdleTimeoutMs);
    req.on('data', () => bodyIdleTimer?.refresh());
    req.once('end', () => clearTimeout(bodyIdleTimer));
    limiter.on('error', (err) => {
      req.unpipe(limiter);
      req.resume();
      if (err instanceof BodyTooLarge) fail(413, 'RequestEntityTooLarge', err.message);
      else fail(502, 'ServiceUnavailable', 'request body could not be forwarded');
    });
    req.pipe(limiter).pipe(upstreamReq);
  });
}
