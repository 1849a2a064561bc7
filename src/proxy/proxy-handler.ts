// The proxy's request and upgrade handlers: admit (admission-pipeline.ts), then forward (forward.ts, upgrade.ts),
// then record (audit.ts, proxy-metrics.ts). Every request produces exactly one audit line and one metrics sample,
// refused or forwarded.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../server/logger.js';
import { endSocketWithStatus, writeStatus } from '../server/status.js';
import { tokenUser, type AuditRecord, type AuditSink } from './audit.js';
import { admitRequest, requestInfoOf, type Admitted, type PipelineOptions, type Refused, type RequestContext } from './admission-pipeline.js';
import { forwardRequest, type ForwardOutcome } from './forward.js';
import { JustificationPathError, takeJustificationPrefix } from './justification-path.js';
import type { ProxyMetrics } from './proxy-metrics.js';
import { nonResourceInfo, type RequestInfo } from './request-info.js';
import { checkUpgrade, forwardUpgrade } from './upgrade.js';

export interface ProxyHandlerOptions extends PipelineOptions {
  maxBodyBytes: number;
  bodyIdleTimeoutMs: number;
  responseHeaderTimeoutMs: number;
  audit: AuditSink;
  metrics: ProxyMetrics;
  logger: Logger;
  /** Registers a long-lived stream with the server for graceful shutdown. */
  trackStream(close: () => void): () => void;
}

export interface ProxyHandler {
  onRequest(req: IncomingMessage, res: ServerResponse): void;
  onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Resolves once every request and session taken so far has been recorded (audit, metrics). */
  settled(): Promise<void>;
}

function clientAddress(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}


function isLongLived(req: IncomingMessage, info: RequestInfo): boolean {
  if (info.verb === 'watch') return true;
  if (!req.url?.includes('follow=')) return false;
  const follow = new URL(req.url ?? '/', 'http://request.invalid').searchParams.get('follow');
  return follow !== null && follow !== 'false' && follow !== '0';
}

/**
 * Answers a refusal. kubectl reads discovery (/api, /apis, /version, /openapi/…) as raw bytes and never decodes a
 * Status from an error body there: a JSON body prints as "Error from server (Forbidden): unknown" (client-go's
 * unstructured error), a text body prints as it is. So a 403 on a non-resource path carries its message as plain
 * text; every other refusal is a Status object.
 */
function writeRefusal(res: ServerResponse, info: RequestInfo, refused: Refused): void {
  if (refused.code !== 403 || info.isResourceRequest || res.headersSent) {
    writeStatus(res, refused.code, refused.statusReason, refused.message);
    return;
  }
  const body = `${refused.message}\n`;
  res.writeHead(403, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

/** A request that cannot be parsed, with a context that lets it be audited as a non-resource request. */
function invalidRequest(req: IncomingMessage, ctx: Omit<RequestContext, 'info'>, message: string): { error: string; ctx: RequestContext } {
  return { error: message, ctx: { ...ctx, info: nonResourceInfo(req.url ?? '/', (req.method ?? '').toLowerCase()) } };
}

/** The audit fields of a refused request: who (when the token was valid) and why. */
function refusal(refused: Refused): Pick<AuditRecord, 'decision' | 'reason' | 'code'> & Partial<AuditRecord> {
  return {
    decision: 'forbid',
    reason: refused.message,
    code: refused.code,
    ...(refused.principal ? { tokenUser: tokenUser(refused.principal) } : {}),
    ...(refused.issuer ? { issuer: refused.issuer } : {}),
  };
}

export function createProxyHandler(options: ProxyHandlerOptions): ProxyHandler {
  const { logger, metrics, audit } = options;

  const context = (req: IncomingMessage): RequestContext | { error: string; ctx: RequestContext } => {
    const auditId = randomUUID();
    const received = new Date();
    const sourceIp = clientAddress(req);
    let justification: string | undefined;
    try {
      // From here on the request is what it would be without the prefix: parsed, forwarded and audited so.
      const taken = takeJustificationPrefix(req.url ?? '/');
      req.url = taken.path;
      justification = taken.justification;
    } catch (err) {
      if (err instanceof JustificationPathError) return invalidRequest(req, { auditId, received, sourceIp }, err.message);
      throw err;
    }
    const info = requestInfoOf(req);
    if (info instanceof Error) return invalidRequest(req, { auditId, received, sourceIp }, info.message);
    return justification === undefined ? { auditId, received, sourceIp, info } : { auditId, received, sourceIp, info, justification };
  };

  const record = (req: IncomingMessage, ctx: RequestContext, fields: Pick<AuditRecord, 'decision' | 'reason' | 'code'> & Partial<AuditRecord>) => {
    metrics.requestDone(ctx.info.verb, fields.code);
    const userAgent = req.headers['user-agent'];
    try {
      audit.write(Object.assign(fields, { auditId: ctx.auditId, received: ctx.received, requestUri: req.url ?? '/', info: ctx.info, sourceIp: ctx.sourceIp }, userAgent ? { userAgent } : {}));
    } catch (err) {
      logger.error({ err: (err as Error).message, auditId: ctx.auditId }, 'writing the audit record failed');
    }
  };

  const completed = (req: IncomingMessage, ctx: RequestContext, admitted: Pick<Admitted, 'principal' | 'effectiveUser' | 'reason'>, outcome: ForwardOutcome) => {
    if (outcome.upstreamSeconds !== undefined) metrics.upstreamLatency(ctx.info.verb, outcome.upstreamSeconds);
    const fields: Pick<AuditRecord, 'decision' | 'reason' | 'code'> & Partial<AuditRecord> = {
      decision: 'allow',
      reason: admitted.reason,
      code: outcome.code,
      tokenUser: tokenUser(admitted.principal),
      impersonatedUser: admitted.effectiveUser,
      issuer: admitted.principal.issuer,
    };
    if (outcome.error) fields.error = outcome.error;
    record(req, ctx, fields);
  };

  const tracked = (close: () => void) => {
    const closed = metrics.streamOpened();
    const untrack = options.trackStream(close);
    return () => {
      closed();
      untrack();
    };
  };

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsed = context(req);
    if ('error' in parsed) {
      writeStatus(res, 400, 'BadRequest', parsed.error);
      record(req, parsed.ctx, { decision: 'forbid', reason: parsed.error, code: 400 });
      return;
    }
    const ctx = parsed;
    const admission = await admitRequest(req, ctx, options, false);
    if (!admission.ok) {
      req.resume();
      res.setHeader('audit-id', ctx.auditId);
      writeRefusal(res, ctx.info, admission);
      record(req, ctx, refusal(admission));
      return;
    }
    const outcome = await forwardRequest(req, res, {
      auditId: ctx.auditId,
      upstream: options.upstream,
      headers: admission.headers,
      maxBodyBytes: options.maxBodyBytes,
      bodyIdleTimeoutMs: options.bodyIdleTimeoutMs,
      responseHeaderTimeoutMs: options.responseHeaderTimeoutMs,
      ...(isLongLived(req, ctx.info) ? { trackStream: tracked } : {}),
    });
    completed(req, ctx, admission, outcome);
  }

  async function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const parsed = context(req);
    if ('error' in parsed) {
      endSocketWithStatus(socket, 400, 'BadRequest', parsed.error);
      record(req, parsed.ctx, { decision: 'forbid', reason: parsed.error, code: 400 });
      return;
    }
    const ctx = parsed;
    const upgrade = checkUpgrade(req.headers);
    if ('refused' in upgrade) {
      endSocketWithStatus(socket, 400, 'BadRequest', upgrade.refused);
      record(req, ctx, { decision: 'forbid', reason: upgrade.refused, code: 400 });
      return;
    }
    const admission = await admitRequest(req, ctx, options, true);
    if (!admission.ok) {
      endSocketWithStatus(socket, admission.code, admission.statusReason, admission.message);
      record(req, ctx, refusal(admission));
      return;
    }
    const outcome = await forwardUpgrade(req, socket, head, {
      upstream: options.upstream,
      headers: admission.headers,
      protocol: upgrade.protocol,
      responseHeaderTimeoutMs: options.responseHeaderTimeoutMs,
      trackStream: tracked,
    });
    completed(req, ctx, admission, outcome);
  }

  // Exchanges not yet recorded: shutdown waits for them so the audit log is complete before it is closed.
  let pending = 0;
  let whenSettled: (() => void) | undefined;
  const done = () => {
    if (--pending === 0) whenSettled?.();
  };
  const track = (work: Promise<void>, onCrash: () => void) => {
    pending++;
    work.then(done, (err: unknown) => {
      try {
        logger.error({ err: (err as Error).stack ?? String(err) }, 'request handling failed');
        onCrash();
      } finally {
        done();
      }
    });
  };
  return {
    onRequest(req, res) {
      track(handleRequest(req, res), () => writeStatus(res, 500, 'InternalError', 'internal error'));
    },
    onUpgrade(req, socket, head) {
      socket.on('error', () => socket.destroy());
      track(handleUpgrade(req, socket, head), () => endSocketWithStatus(socket, 500, 'InternalError', 'internal error'));
    },
    settled: () =>
      pending === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            whenSettled = resolve;
          }),
  };
}
