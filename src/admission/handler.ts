// The webhook's HTTP side: POST /validate and POST /mutate take an AdmissionReview and answer with one. Malformed
// input (wrong method, content type, oversized or slow body, bad JSON, wrong apiVersion, missing request or uid)
// gets a 400 Status naming the problem; everything after a request has parsed gets an AdmissionReview answer.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../server/logger.js';
import { writeStatus } from '../server/status.js';
import { deadlineAfter, DeadlineExceededError, DeadlineWatchdog, type Deadline } from './deadline.js';
import { failureDecision, type FailurePolicy } from './failure.js';
import { labelled, type AdmissionMetrics, type AdmissionOutcome } from './metrics.js';
import { admissionReviewJson, MalformedReviewError, parseAdmissionReview, type AdmissionRequest, type AdmissionReviewLimits } from './review.js';
import { toResponse, type AdmissionReviewer } from './reviewer.js';
import type { AdmissionDecision } from './decision.js';

export interface HandlerOptions {
  reviewer: AdmissionReviewer;
  failurePolicy: FailurePolicy;
  limits: AdmissionReviewLimits;
  /** Time from receiving a request to answering it; below the webhook's timeoutSeconds. */
  deadlineMs: number;
  metrics: AdmissionMetrics;
  logger: Logger;
}

type Webhook = 'validate' | 'mutate';
const WEBHOOKS: Record<string, Webhook> = { '/validate': 'validate', '/mutate': 'mutate' };

class BodyError extends Error {}

/** The request body as text, refused past `maxBytes` or once the deadline has passed. */
function readBody(req: IncomingMessage, maxBytes: number, deadline: Deadline, watchdog: DeadlineWatchdog): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(new BodyError(`request body of ${declared} bytes is larger than the limit of ${maxBytes} bytes`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const refuse = (err: Error) => {
      unwatch();
      req.removeAllListeners('data');
      req.pause();
      reject(err);
    };
    const unwatch = watchdog.watch(deadline, () => refuse(new DeadlineExceededError(`receiving the request body did not finish within ${deadline.budgetMs} ms`)));
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) refuse(new BodyError(`request body is larger than the limit of ${maxBytes} bytes`));
      else chunks.push(chunk);
    });
    req.on('end', () => {
      unwatch();
      // A review usually arrives in one chunk, which needs no copy.
      resolve((chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)).toString('utf8'));
    });
    req.on('error', (err) => {
      unwatch();
      reject(err);
    });
  });
}

function isJson(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase() === 'application/json';
}

/**
 * Distinct `kind` label values kept in the request metric. Anyone who reaches the port can send reviews of made-up
 * kinds; past this many, they are counted as `other` instead of growing the metric without bound.
 */
const MAX_KIND_LABELS = 64;

function outcomeOf(decision: AdmissionDecision): AdmissionOutcome {
  const label = decision.auditAnnotations.decision;
  if (label === 'failure-allowed' || label === 'failure-denied') return label;
  return decision.allowed ? 'allowed' : 'denied';
}

export function createAdmissionHandler(options: HandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { reviewer, limits, metrics, logger } = options;
  const kindLabels = new Set<string>();
  const kindLabel = (kind: string) => {
    if (!kindLabels.has(kind) && kindLabels.size < MAX_KIND_LABELS) kindLabels.add(kind);
    return kindLabels.has(kind) ? kind : 'other';
  };
  const counted = labelled((webhook, operation, kind, decision) => metrics.requests.labels(webhook, operation, kind, decision));
  const count = (webhook: Webhook, operation: string, kind: string, decision: AdmissionOutcome) => counted(webhook, operation, kind, decision).inc();
  const timed = labelled((webhook) => metrics.latency.labels(webhook));
  const watchdog = new DeadlineWatchdog();

  const refuse = (res: ServerResponse, webhook: Webhook, message: string, closeConnection: boolean) => {
    count(webhook, '', '', 'malformed');
    logger.info({ webhook, reason: message }, 'malformed admission request refused');
    if (closeConnection) res.setHeader('connection', 'close');
    writeStatus(res, 400, 'BadRequest', message);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, webhook: Webhook): Promise<void> => {
    const started = performance.now();
    const deadline = deadlineAfter(options.deadlineMs);
    if (!isJson(req.headers['content-type'])) {
      refuse(res, webhook, `content-type must be application/json, got "${req.headers['content-type'] ?? ''}"`, true);
      return;
    }
    let request: AdmissionRequest;
    try {
      const body = await readBody(req, limits.maxRequestBytes, deadline, watchdog);
      request = parseAdmissionReview(body, limits);
    } catch (err) {
      if (err instanceof BodyError || err instanceof MalformedReviewError || err instanceof DeadlineExceededError) {
        refuse(res, webhook, err.message, !(err instanceof MalformedReviewError));
        return;
      }
      throw err;
    }
    let decision: AdmissionDecision & { patch?: string };
    try {
      decision = webhook === 'mutate' ? reviewer.mutate(request) : await reviewer.validate(request, deadline);
    } catch (err) {
      decision = failureDecision({ kind: 'internal', detail: (err as Error).message }, options.failurePolicy);
    }
    const body = admissionReviewJson(toResponse(request.uid, decision));
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    const seconds = (performance.now() - started) / 1000;
    const outcome = outcomeOf(decision);
    count(webhook, request.operation, kindLabel(request.kind.kind), outcome);
    timed(webhook).observe(seconds);
    // Allowed requests are logged at debug only; the fields are not even assembled unless that level is on.
    const allowed = outcome === 'allowed';
    if (allowed && !logger.isLevelEnabled('debug')) return;
    const fields = {
      webhook, uid: request.uid, operation: request.operation, kind: request.kind.kind, namespace: request.namespace, name: request.name,
      user: request.userInfo.username, dryRun: request.dryRun, decision: outcome, durationMs: Math.round(seconds * 1e4) / 10,
    };
    if (allowed) logger.debug(fields, 'admission request allowed');
    else logger.info({ ...fields, message: decision.status?.message }, `admission request ${outcome}`);
  };

  return (req, res) => {
    const path = (req.url ?? '').split('?', 1)[0]!;
    const webhook = WEBHOOKS[path];
    if (!webhook) {
      writeStatus(res, 404, 'NotFound', `no webhook at ${path}; Gatehouse serves POST /validate and POST /mutate`);
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      writeStatus(res, 405, 'MethodNotAllowed', `${path} accepts POST only`);
      return;
    }
    handle(req, res, webhook).catch((err: Error) => {
      logger.error({ webhook, err: err.message }, 'admission handler failed');
      writeStatus(res, 500, 'InternalError', 'Gatehouse failed to process the admission request');
    });
  };
}
