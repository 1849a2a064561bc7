import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ANONYMOUS, auditLine, createAuditSink, microTime, tokenUser, type AuditEvent, type AuditRecord } from '../../src/proxy/audit.js';
import type { Principal } from '../../src/identity/principal.js';
import { nonResourceInfo, parseRequestInfo } from '../../src/proxy/request-info.js';

const principal: Principal = {
  user: { username: 'jane@example.com', groups: ['oidc:dev'], extra: { 'gatehouse.dev/justification': ['JIRA-1'] } },
  issuer: 'https://issuer.example',
  claims: { sub: 'u-1', email: 'jane@example.com' },
  expiresAt: new Date(Date.now() + 60_000),
};

const received = new Date('2026-01-02T03:04:05.678Z');
const completed = new Date('2026-01-02T03:04:06.007Z');

function parse(line: string): AuditEvent {
  assert.ok(line.endsWith('\n'), 'one line, newline-terminated');
  assert.equal(line.indexOf('\n'), line.length - 1, 'no newline inside the record');
  return JSON.parse(line) as AuditEvent;
}

test('an allowed resource request: both identities, the object, the decision and microsecond timestamps', () => {
  const record: AuditRecord = {
    auditId: 'a-1',
    received,
    requestUri: '/api/v1/namespaces/prod/pods/web/exec?command=ls',
    info: parseRequestInfo('POST', '/api/v1/namespaces/prod/pods/web/exec?command=ls'),
    sourceIp: '192.0.2.7',
    userAgent: 'kubectl/v1.32',
    tokenUser: tokenUser(principal),
    impersonatedUser: principal.user,
    issuer: principal.issuer,
    decision: 'allow',
    reason: 'no access policy applies',
    code: 101,
  };
  assert.deepEqual(parse(auditLine(record, completed)), {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: 'a-1',
    stage: 'ResponseComplete',
    requestURI: '/api/v1/namespaces/prod/pods/web/exec?command=ls',
    verb: 'create',
    user: { username: 'https://issuer.example#u-1', extra: { 'gatehouse.dev/issuer': ['https://issuer.example'] } },
    impersonatedUser: principal.user,
    sourceIPs: ['192.0.2.7'],
    userAgent: 'kubectl/v1.32',
    objectRef: { resource: 'pods', namespace: 'prod', name: 'web', apiGroup: '', apiVersion: 'v1', subresource: 'exec' },
    responseStatus: { metadata: {}, code: 101 },
    requestReceivedTimestamp: '2026-01-02T03:04:05.678000Z',
    stageTimestamp: '2026-01-02T03:04:06.007000Z',
    annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': 'no access policy applies', 'gatehouse.dev/issuer': 'https://issuer.example' },
  });
});

test('a refused request without a valid token: anonymous, failure status with its message, no objectRef', () => {
  const record: AuditRecord = {
    auditId: 'a-2',
    received,
    requestUri: '/version',
    info: nonResourceInfo('/version', 'get'),
    sourceIp: '::1',
    decision: 'forbid',
    reason: 'Unauthorized: token expired',
    code: 401,
    error: 'token expired',
  };
  const event = parse(auditLine(record, completed));
  assert.deepEqual(event.user, ANONYMOUS);
  assert.equal(event.impersonatedUser, undefined);
  assert.equal(event.objectRef, undefined);
  assert.equal(event.userAgent, undefined);
  assert.deepEqual(event.responseStatus, { metadata: {}, code: 401, status: 'Failure', message: 'token expired' });
  assert.deepEqual(event.annotations, { 'authorization.k8s.io/decision': 'forbid', 'authorization.k8s.io/reason': 'Unauthorized: token expired' });
});

test('client-controlled text cannot break out of its field or the line', () => {
  const hostile = '"},"user":{"username":"system:admin"},"x":"\n\r\u2028\\\u0000ü';
  const record: AuditRecord = {
    auditId: 'a-3',
    received,
    requestUri: `/api/v1/namespaces/default/configmaps/${encodeURIComponent(hostile)}`,
    info: parseRequestInfo('GET', `/api/v1/namespaces/default/configmaps/${encodeURIComponent(hostile)}`),
    sourceIp: '192.0.2.1',
    userAgent: hostile,
    tokenUser: tokenUser(principal),
    impersonatedUser: { username: 'jane', extra: { 'gatehouse.dev/justification': [hostile] } },
    decision: 'forbid',
    reason: hostile,
    code: 0,
    error: hostile,
  };
  const event = parse(auditLine(record, completed));
  assert.equal(event.userAgent, hostile);
  assert.equal(event.objectRef?.name, hostile);
  assert.equal(event.annotations['authorization.k8s.io/reason'], hostile);
  assert.equal(event.responseStatus.message, hostile);
  assert.equal(event.user.username, 'https://issuer.example#u-1');
  assert.deepEqual(event.impersonatedUser?.extra, { 'gatehouse.dev/justification': [hostile] });
});

test('the token principal is derived once per principal and never from anything but issuer and sub', () => {
  assert.equal(tokenUser(principal), tokenUser(principal));
  assert.deepEqual(tokenUser({ ...principal, claims: { email: 'x' } }), { username: 'https://issuer.example#', extra: { 'gatehouse.dev/issuer': ['https://issuer.example'] } });
});

test('timestamps match toISOString with microseconds, across second boundaries and in any order', () => {
  const instants = [0, 999, 1000, 1001, 1_700_000_000_123, 1_700_000_000_999, 1_700_000_001_000, 1_700_000_000_500, -1, -999, -1000, -1001, 253_402_300_799_999];
  for (const ms of instants) {
    const date = new Date(ms);
    assert.equal(microTime(date), `${date.toISOString().slice(0, -1)}000Z`, String(ms));
  }
});

function sinkRecord(n: number): AuditRecord {
  return { auditId: `id-${n}`, received, requestUri: '/version', info: nonResourceInfo('/version', 'get'), sourceIp: '192.0.2.1', decision: 'allow', reason: 'ok', code: 200 };
}

function auditIds(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter(Boolean).map((line) => (JSON.parse(line) as AuditEvent).auditID);
}

test('the audit sink batches lines: written once the oldest has waited maxDelayMs, or at once past maxBatchChars', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-audit-'));
  const file = join(dir, 'logs', 'audit.log');
  try {
    const lineChars = auditLine(sinkRecord(0), completed).length;
    const sink = createAuditSink(file, { maxDelayMs: 100, maxBatchChars: lineChars * 3 });
    assert.equal(statSync(file).mode & 0o777, 0o600, 'created private, with its directory');
    sink.write(sinkRecord(1));
    sink.write(sinkRecord(2));
    assert.deepEqual(auditIds(file), [], 'held while under both bounds');
    for (let i = 0; i < 100 && auditIds(file).length === 0; i++) await sleep(20);
    assert.deepEqual(auditIds(file), ['id-1', 'id-2'], 'written after the delay, in order');
    for (let n = 3; n <= 5; n++) sink.write(sinkRecord(n));
    assert.deepEqual(auditIds(file), ['id-1', 'id-2', 'id-3', 'id-4', 'id-5'], 'a full batch is written at once');
    sink.write(sinkRecord(6));
    await sink.close();
    assert.deepEqual(auditIds(file), ['id-1', 'id-2', 'id-3', 'id-4', 'id-5', 'id-6'], 'close writes what waits');
    assert.throws(() => sink.write(sinkRecord(7)), /closed/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the audit sink writes what waits when the process exits without closing it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-audit-'));
  const file = join(dir, 'audit.log');
  try {
    const script = `import { createAuditSink } from ${JSON.stringify(new URL('../../src/proxy/audit.ts', import.meta.url).href)};
      const sink = createAuditSink(${JSON.stringify(file)}, { maxDelayMs: 60000, maxBatchChars: 1 << 20 });
      sink.write({ ...${JSON.stringify(sinkRecord(1))}, received: new Date() });
      process.exit(0);`;
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(auditIds(file), ['id-1']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
