// The proxy's audit log: one JSON line per request in the `audit.k8s.io/v1` Event form (level Metadata, stage
// ResponseComplete), so the usual tooling reads it and the `auditID` matches the upstream API server's record
// (the proxy sends it as `Audit-ID`). `user` is who presented the token (`<issuer>#<sub>`, the API server's
// convention for issuer-qualified subjects), `impersonatedUser` is the identity the request ran as upstream.
// The token never appears: only claims-derived names and the issuer are recorded.
import { pino } from 'pino';
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

/** RFC 3339 with microseconds, as the API server writes audit timestamps. */
export function microTime(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, -1)}000Z`;
}

export function auditEvent(record: AuditRecord, completed: Date): AuditEvent {
  const { info } = record;
  const event: AuditEvent = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: record.auditId,
    stage: 'ResponseComplete',
    requestURI: record.requestUri,
    verb: info.verb,
    user: record.tokenUser ?? ANONYMOUS,
    sourceIPs: [record.sourceIp],
    responseStatus: { metadata: {}, code: record.code, ...(record.code >= 400 || record.code === 0 ? { status: 'Failure' as const, ...(record.error ? { message: record.error } : {}) } : {}) },
    requestReceivedTimestamp: microTime(record.received),
    stageTimestamp: microTime(completed),
    annotations: {
      'authorization.k8s.io/decision': record.decision,
      'authorization.k8s.io/reason': record.reason,
      ...(record.issuer ? { 'gatehouse.dev/issuer': record.issuer } : {}),
    },
  };
  if (record.impersonatedUser) event.impersonatedUser = record.impersonatedUser;
  if (record.userAgent) event.userAgent = record.userAgent;
  if (info.isResourceRequest) {
    event.objectRef = {
      resource: info.resource,
      ...(info.namespace ? { namespace: info.namespace } : {}),
      ...(info.name ? { name: info.name } : {}),
      apiGroup: info.apiGroup,
      apiVersion: info.apiVersion,
      ...(info.subresource ? { subresource: info.subresource } : {}),
    };
  }
  return event;
}

/** The token's principal as the audit `user`: the issuer-qualified subject. */
export function tokenUser(issuer: string, claims: Readonly<Record<string, unknown>>): UserInfo {
  const sub = typeof claims.sub === 'string' ? claims.sub : '';
  return { username: `${issuer}#${sub}`, extra: { 'gatehouse.dev/issuer': [issuer] } };
}

export interface AuditSink {
  write(record: AuditRecord): void;
  close(): Promise<void>;
}

/**
 * Appends audit lines to a file (created 0600) or stdout (`-`); `undefined` disables auditing. Lines are collected
 * during one event-loop turn and written together with one synchronous write: a thread-pool write per request
 * costs more than the request itself, and a synchronous write keeps the log in order and complete at exit.
 */
export function createAuditSink(destination: string | undefined): AuditSink {
  if (destination === undefined) return { write() {}, close: async () => {} };
  const stream = pino.destination({ dest: destination === '-' ? 1 : destination, append: true, sync: true, mkdir: true, mode: 0o600 });
  let pending: string[] = [];
  let scheduled: NodeJS.Immediate | undefined;
  let closed = false;
  const flush = () => {
    scheduled = undefined;
    if (pending.length === 0) return;
    const batch = pending.join('');
    pending = [];
    stream.write(batch);
  };
  return {
    write(record) {
      if (closed) throw new Error('the audit log is closed');
      pending.push(`${JSON.stringify(auditEvent(record, new Date()))}\n`);
      scheduled ??= setImmediate(flush);
    },
    close: () =>
      new Promise((resolve) => {
        clearImmediate(scheduled);
        flush();
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
