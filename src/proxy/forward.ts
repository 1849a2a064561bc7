// Forwards one HTTP request to the upstream and streams the answer back. Nothing is buffered: the request body is
// piped through a byte counter (the size limit aborts the upstream request), and every response chunk is written
// to the client as it arrives, so watches and `logs -f` flow line by line. Failures before the upstream answers
// become Status errors: 413 (body too large), 408 (the body stalled: no bytes for `bodyIdleTimeoutMs` while the
// proxy was ready to read), 502 (upstream unreachable), 504 (no response headers in time). A refused body leaves
// the client connection closed, since its unread rest cannot be told apart from a next request. An aborted upstream
// request never ends its body: the upstream sees a broken request, never a truncated one that looks complete.
// A client that goes away tears down its upstream request, so an abandoned watch does not linger upstream.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import type { Dispatcher } from 'undici';
import { writeStatus } from '../server/status.js';
import { withoutHopByHop } from './header-hygiene.js';
import { UPSTREAM_CONNECT_TIMEOUT_MS, type Upstream } from './upstream.js';

export interface ForwardOptions {
  /** Sent to the client as `Audit-Id`, as the API server does, so it can find the request in the audit logs. */
  auditId: string;
  upstream: Upstream;
  headers: OutgoingHttpHeaders;
  maxBodyBytes: number;
  /** Longest pause between request body bytes. */
  bodyIdleTimeoutMs: number;
  /** Time the upstream has to send response headers once the request is sent. */
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
class BodyStalled extends Error {}
class ClientGone extends Error {}
class ShuttingDown extends Error {}

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

/** Upstream failures before any response, as the Status the client gets. */
function upstreamFailure(err: Error & { code?: string }, options: ForwardOptions): [number, 'ServiceUnavailable' | 'Timeout' | 'RequestEntityTooLarge', string] {
  if (err instanceof BodyTooLarge) return [413, 'RequestEntityTooLarge', err.message];
  if (err instanceof ShuttingDown) return [503, 'ServiceUnavailable', 'the proxy is shutting down; retry'];
  if (err.code === 'UND_ERR_HEADERS_TIMEOUT') return [504, 'Timeout', `the upstream API server did not answer within ${options.responseHeaderTimeoutMs / 1000}s`];
  if (err.code === 'UND_ERR_CONNECT_TIMEOUT') return [504, 'Timeout', `the upstream API server did not accept a connection within ${UPSTREAM_CONNECT_TIMEOUT_MS / 1000}s`];
  return [502, 'ServiceUnavailable', `the upstream API server is unreachable (${err.code ?? err.message})`];
}

/**
 * One exchange, as the undici handler of its upstream request. A class rather than closures: this runs for every
 * request, and its methods are shared instead of allocated each time.
 */
class Exchange implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  /** Why the exchange was abandoned before the upstream request started, if it was. */
  private abandoned: Error | undefined;
  private readonly started = performance.now();
  private upstreamSeconds: number | undefined;
  /** The response under way declared its length (so it cannot be ended early, only cut). */
  private sized = false;
  private settled = false;
  private readonly untrack: () => void;
  private bodyIdleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly options: ForwardOptions,
    private readonly resolve: (outcome: ForwardOutcome) => void,
  ) {
    this.untrack = options.trackStream ? options.trackStream(() => this.abort(new ShuttingDown('the proxy is shutting down'))) : () => {};
  }

  /** Stops the upstream request; the handler's error callback then settles the exchange. */
  abort(reason: Error): void {
    if (this.controller) this.controller.abort(reason);
    else this.abandoned ??= reason;
  }

  finish(outcome: ForwardOutcome): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.bodyIdleTimer);
    this.untrack();
    this.resolve(outcome);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.abandoned) controller.abort(this.abandoned);
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[]>): void {
    if (statusCode < 200) return; // 1xx: the final answer follows
    this.upstreamSeconds = (performance.now() - this.started) / 1000;
    clearTimeout(this.bodyIdleTimer); // the upstream has answered; the rest of the body no longer matters
    const { res } = this;
    if (this.settled) {
      controller.abort(new ClientGone('client disconnected'));
      return;
    }
    this.sized = headers['content-length'] !== undefined;
    const relayed = withoutHopByHop(headers);
    relayed['audit-id'] = this.options.auditId;
    res.writeHead(statusCode, relayed);
    // A stream (watch, logs -f) must reach the client before its first event; a sized body goes out with its head.
    if (!this.sized) res.flushHeaders();
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled) return;
    if (!this.res.write(chunk)) {
      controller.pause();
      this.res.once('drain', () => controller.resume());
    }
  }

  onResponseEnd(): void {
    this.res.end();
    this.finish({ code: this.res.statusCode, ...(this.upstreamSeconds !== undefined ? { upstreamSeconds: this.upstreamSeconds } : {}) });
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error & { code?: string }): void {
    if (this.settled) return;
    const { res, req } = this;
    if (err instanceof ClientGone) {
      this.finish({ code: res.headersSent ? res.statusCode : 0, error: err.message });
      return;
    }
    if (this.upstreamSeconds !== undefined) {
      // The answer was under way: a chunked body (watch, follow) is ended cleanly so the client sees the stream
      // close and re-lists; a body with a declared length cannot be completed, so the connection is dropped.
      if (this.sized) res.destroy();
      else res.end();
      this.finish({ code: res.statusCode, upstreamSeconds: this.upstreamSeconds, error: err instanceof ShuttingDown ? 'the proxy is shutting down' : `upstream stream failed: ${err.code ?? err.message}` });
      return;
    }
    if (err instanceof BodyStalled) {
      this.fail(408, 'Timeout', err.message);
      return;
    }
    const [code, reason, message] = upstreamFailure(err, this.options);
    if (!req.complete) req.resume();
    this.fail(code, reason, message);
  }

  private fail(code: number, reason: 'ServiceUnavailable' | 'Timeout' | 'RequestEntityTooLarge', message: string): void {
    const { res, req } = this;
    if (!req.complete) res.shouldKeepAlive = false;
    if (!res.headersSent) res.setHeader('audit-id', this.options.auditId);
    writeStatus(res, code, reason, message);
    this.finish({ code: res.headersSent ? res.statusCode : code, ...(this.upstreamSeconds !== undefined ? { upstreamSeconds: this.upstreamSeconds } : {}), error: message });
  }

  /** Streams the client's body through the size limit, watching for stalls. */
  body(): Transform {
    const { req, options } = this;
    const limiter = byteLimit(options.maxBodyBytes);
    const stalled = () => {
      // A pause the proxy caused (the upstream not reading yet) is not the client's.
      if (req.readableFlowing === false || limiter.writableNeedDrain) {
        this.bodyIdleTimer = setTimeout(stalled, options.bodyIdleTimeoutMs);
        return;
      }
      req.unpipe(limiter);
      req.resume();
      this.abort(new BodyStalled(`the request body stalled: no data for ${options.bodyIdleTimeoutMs / 1000}s`));
    };
    this.bodyIdleTimer = setTimeout(stalled, options.bodyIdleTimeoutMs);
    req.on('data', () => this.bodyIdleTimer?.refresh());
    req.once('end', () => clearTimeout(this.bodyIdleTimer));
    // The limiter's error reaches undici, which aborts the upstream request with it; the client's unread rest is
    // drained so the refusal can be sent.
    limiter.on('error', () => {
      req.unpipe(limiter);
      req.resume();
    });
    req.pipe(limiter);
    return limiter;
  }
}

export function forwardRequest(req: IncomingMessage, res: ServerResponse, options: ForwardOptions): Promise<ForwardOutcome> {
  return new Promise((resolve) => {
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > options.maxBodyBytes) {
      res.setHeader('audit-id', options.auditId);
      writeStatus(res, 413, 'RequestEntityTooLarge', `request body larger than ${options.maxBodyBytes} bytes`);
      req.resume();
      resolve({ code: 413, error: 'body too large' });
      return;
    }
    const exchange = new Exchange(req, res, options, resolve);
    res.on('close', () => {
      if (!res.writableFinished) {
        exchange.abort(new ClientGone('client disconnected'));
        exchange.finish({ code: res.headersSent ? res.statusCode : 0, error: 'client disconnected' });
      }
    });
    req.on('aborted', () => exchange.abort(new ClientGone('client disconnected')));
    // No body (GET, DELETE without one): nothing to count or stream.
    const hasBody = declared !== undefined || req.headers['transfer-encoding'] !== undefined;
    if (!hasBody) req.resume();
    options.upstream.dispatch(
      {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: options.headers as Record<string, string | string[]>,
        body: hasBody ? exchange.body() : null,
        headersTimeout: options.responseHeaderTimeoutMs,
      },
      exchange,
    );
  });
}
