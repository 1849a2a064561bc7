// The proxy's audit log: one JSON line per request in the `audit.k8s.io/v1` Event form (level Metadata, stage
// ResponseComplete), so the usual tooling reads it and the `auditID` matches the upstream API server's record
// (the proxy sends it as `Audit-ID`). `user` is who presented the token (`<issuer>#<sub>`, the API server's
// convention for issuer-qualified subjects), `impersonatedUser` is the identity the request ran as upstream.
// The token never appears: only claims-derived names and the issuer are recorded.
import { pino } from 'pino';
import type { Principal } from '../identity/principal.js';
import type { UserInfo } from '../policy/policy.js';
import type { RequestInfo } from './request-info.js';

export interface AuditEvent {
  kind: 'Event';
  apiVersion: 'audit.k8s.io/v1';
  level: 'Metadata';
  auditID: string;
  stage: 'ResponseComplete';
  requestURI: string;
  verb: string;
  user: UserInfo;
  impersonatedUser?: UserInfo;
  sourceIPs: string[];
  userAgent?: string;
  objectRef?: { resource?: string; namespace?: string; name?: string; apiGroup?: string; apiVersion?: string; subresource?: string };
  responseStatus: { metadata: Record<string, never>; code: number; status?: 'Failure'; message?: string };
  requestReceivedTimestamp: string;
  stageTimestamp: string;
  annotations: Record<string, string>;
}

export interface AuditRecord {
  auditId: string;
  received: Date;
  requestUri: string;
  info: RequestInfo;
  sourceIp: string;
  userAgent?: string;
  /** The token's principal; absent when authentication failed. */
  tokenUser?: UserInfo;
  impersonatedUser?: UserInfo;
  issuer?: string;
  decision: 'allow' | 'forbid';
  reason: string;
  code: number;
  error?: string;
}

export const ANONYMOUS: UserInfo = { username: 'system:anonymous', groups: ['system:unauthenticated'] };

// Two timestamps per request: the date and time up to the second is formatted once per second, not per call.
let secondStart = NaN;
let secondPrefix = '';

/** RFC 3339 with microseconds, as the API server writes audit timestamps. */
export function microTime(date: Date): string {
  const ms = date.getTime();
  const second = ms - (((ms % 1000) + 1000) % 1000);
  if (second !== secondStart) {
    secondStart = second;
    secondPrefix = new Date(second).toISOString().slice(0, -4); // 2006-01-02T15:04:05.
  }
  return `${secondPrefix}${String(ms - second).padStart(3, '0')}000Z`;
}

const json = JSON.stringify;

// A verified principal and its mapped user come from the token cache, so a client re-using its token presents the
// same objects request after request: their audit JSON is serialized once.
const tokenUsers = new WeakMap<Principal, UserInfo>();
const userJson = new WeakMap<UserInfo, string>();

function userInfoJson(user: UserInfo): string {
  let text = userJson.get(user);
  if (text === undefined) {
    text = json(user);
    userJson.set(user, text);
  }
  return text;
}

/** The token's principal as the audit `user`: the issuer-qualified subject. */
export function tokenUser(principal: Principal): UserInfo {
  let user = tokenUsers.get(principal);
  if (user === undefined) {
    const sub = typeof principal.claims.sub === 'string' ? principal.claims.sub : '';
    user = { username: `${principal.issuer}#${sub}`, extra: { 'gatehouse.dev/issuer': [principal.issuer] } };
    tokenUsers.set(principal, user);
  }
  return user;
}

function objectRefJson(info: RequestInfo): string {
  return (
    `{"resource":${json(info.resource)}${info.namespace ? `,"namespace":${json(info.namespace)}` : ''}${info.name ? `,"name":${json(info.name)}` : ''}` +
    `,"apiGroup":${json(info.apiGroup)},"apiVersion":${json(info.apiVersion)}${info.subresource ? `,"subresource":${json(info.subresource)}` : ''}}`
  );
}

/**
 * The record as one JSON line of an {@link AuditEvent}. Built by template rather than by serializing an object:
 * the fixed fields are literals and each value is escaped by JSON.stringify, once per request.
 */
export function auditLine(record: AuditRecord, completed: Date): string {
  const failed = record.code >= 400 || record.code === 0;
  const status = failed ? `,"status":"Failure"${record.error ? `,"message":${json(record.error)}` : ''}` : '';
  return (
    `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":${json(record.auditId)},"stage":"ResponseComplete"` +
    `,"requestURI":${json(record.requestUri)},"verb":${json(record.info.verb)},"user":${userInfoJson(record.tokenUser ?? ANONYMOUS)}` +
    `${record.impersonatedUser ? `,"impersonatedUser":${userInfoJson(record.impersonatedUser)}` : ''}` +
    `,"sourceIPs":[${json(record.sourceIp)}]${record.userAgent ? `,"userAgent":${json(record.userAgent)}` : ''}` +
    `${record.info.isResourceRequest ? `,"objectRef":${objectRefJson(record.info)}` : ''}` +
    `,"responseStatus":{"metadata":{},"code":${record.code}${status}}` +
    `,"requestReceivedTimestamp":"${microTime(record.received)}","stageTimestamp":"${microTime(completed)}"` +
    `,"annotations":{"authorization.k8s.io/decision":"${record.decision}","authorization.k8s.io/reason":${json(record.reason)}` +
    `${record.issuer ? `,"gatehouse.dev/issuer":${json(record.issuer)}` : ''}}}\n`
  );
}

export interface AuditSink {
  write(record: AuditRecord): void;
  close(): Promise<void>;
}

/** How long an audit line may wait in memory, and how much may wait, before it is written. */
export interface AuditBatching {
  maxDelayMs: number;
  maxBatchChars: number;
}

export const DEFAULT_AUDIT_BATCHING: AuditBatching = { maxDelayMs: 50, maxBatchChars: 64 * 1024 };

/**
 * Appends audit lines to a file (created 0600) or stdout (`-`); `undefined` disables auditing. Lines are collected
 * and written together with one synchronous write once `maxBatchChars` are waiting or the oldest has waited
 * `maxDelayMs` (as the API server's audit log batches its writes): one write per request, or even per event-loop
 * turn, costs several microseconds of a forwarded request's budget. The write is synchronous, so the log stays in
 * order; what is waiting is written on `close()` and when the process exits, so a clean shutdown loses nothing.
 * Each batch is one `write` to a file opened for appending, so worker processes sharing the file never interleave
 * their lines.
 */
export function createAuditSink(destination: string | undefined, batching: AuditBatching = DEFAULT_AUDIT_BATCHING): AuditSink {
  if (destination === undefined) return { write() {}, close: async () => {} };
  const stream = pino.destination({ dest: destination === '-' ? 1 : destination, append: true, sync: true, mkdir: true, mode: 0o600 });
  let pending: string[] = [];
  let pendingChars = 0;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    const batch = pending.join('');
    pending = [];
    pendingChars = 0;
    stream.write(batch);
  };
  process.on('exit', flush);
  return {
    write(record) {
      if (closed) throw new Error('the audit log is closed');
      const line = auditLine(record, new Date());
      pending.push(line);
      pendingChars += line.length;
      if (pendingChars >= batching.maxBatchChars) flush();
      else timer ??= setTimeout(flush, batching.maxDelayMs).unref();
    },
    close: () =>
      new Promise((resolve) => {
        flush();
        process.off('exit', flush);
        closed = true;
        if (destination === '-') {
          stream.flush(() => resolve());
          return;
        }
        stream.once('close', () => resolve());
        stream.end();
      }),
  };
}
