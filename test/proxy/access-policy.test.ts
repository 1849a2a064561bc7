import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { compileAccessPolicies, AccessPolicyError, type AccessInput, type AccessPolicySpec } from '../../src/proxy/access-policy.js';
import { KUBECTL, startHarness } from './support/proxy-harness.js';

const WRITES = "request.verb in ['create', 'update', 'patch', 'delete', 'deletecollection']";
const PROD = "namespaceObject != null && namespaceObject.metadata.?labels.?env.orValue('') == 'prod'";

const POLICIES: AccessPolicySpec[] = [
  {
    name: 'prod-writes-need-a-ticket',
    matchConditions: [
      { name: 'writes', expression: WRITES },
      { name: 'prod', expression: PROD },
    ],
    validations: [
      {
        name: 'justification',
        expression: "'x-gatehouse-justification' in request.headers && request.headers['x-gatehouse-justification'].matches('^JIRA-[0-9]+$')",
        message: 'writes to production need X-Gatehouse-Justification: JIRA-<number>',
      },
      { name: 'office-network', expression: "['10.0.0.0/8', '127.0.0.0/8'].exists(c, cidr(c).containsIP(request.sourceIP))", message: 'only from the office network' },
      { name: 'working-hours', expression: "now.getHours('Europe/Berlin') >= 8 && now.getHours('Europe/Berlin') < 18", message: 'only 08:00–18:00 Berlin time' },
    ],
  },
  {
    name: 'ci-deploys-from-main-only',
    matchConditions: [{ name: 'workflow', expression: "has(claims.repository)" }, { name: 'writes', expression: WRITES }],
    validations: [{ name: 'main', expression: "claims.repository == 'org/app' && claims.ref == 'refs/heads/main'", message: 'only org/app on refs/heads/main may deploy' }],
  },
];

function input(overrides: Partial<AccessInput['request']> = {}, extra: Partial<AccessInput> = {}): AccessInput {
  return {
    user: { username: 'jane@example.com', groups: ['oidc:sre'] },
    claims: { sub: 'x' },
    request: { verb: 'create', resource: 'configmaps', subresource: '', name: '', namespace: 'shop', apiGroup: '', apiVersion: 'v1', path: '/api/v1/namespaces/shop/configmaps', sourceIP: '10.1.2.3', userAgent: 'kubectl', headers: {}, ...overrides },
    namespaceObject: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { env: 'prod' } } },
    // 10:00 in Berlin (UTC+1 in winter)
    now: new Date('2025-01-15T09:00:00Z'),
    ...extra,
  };
}

const set = compileAccessPolicies(POLICIES);

test('a policy applies only when all its match conditions hold', () => {
  assert.equal(set.needsNamespace, true);
  assert.deepEqual(set.evaluate(input({ verb: 'get' })), { allowed: true, reason: 'no access policy applies' });
  assert.equal(set.evaluate(input({}, { namespaceObject: null })).allowed, true);
  assert.equal(set.evaluate(input({}, { namespaceObject: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev', labels: { env: 'dev' } } } })).allowed, true);
});

test('the failed condition is named, with its message', () => {
  const missing = set.evaluate(input());
  assert.deepEqual(missing, {
    allowed: false,
    policy: 'prod-writes-need-a-ticket',
    condition: 'justification',
    reason: 'access policy "prod-writes-need-a-ticket", condition "justification": writes to production need X-Gatehouse-Justification: JIRA-<number>',
  });
  assert.equal((set.evaluate(input({ headers: { 'x-gatehouse-justification': 'because' } })) as { condition: string }).condition, 'justification');
  const ok = set.evaluate(input({ headers: { 'x-gatehouse-justification': 'JIRA-42' } }));
  assert.deepEqual(ok, { allowed: true, reason: 'access policies passed: prod-writes-need-a-ticket' });
});

test('source network and time window (time zone aware)', () => {
  const headers = { 'x-gatehouse-justification': 'JIRA-42' };
  assert.equal((set.evaluate(input({ headers, sourceIP: '192.0.2.7' })) as { condition: string }).condition, 'office-network');
  assert.equal(set.evaluate(input({ headers, sourceIP: '::1' })).allowed, false);
  // 17:30 UTC is 18:30 in Berlin in January: outside the window, although inside it in UTC.
  assert.equal((set.evaluate(input({ headers }, { now: new Date('2025-01-15T17:30:00Z') })) as { condition: string }).condition, 'working-hours');
  // 16:30 UTC in July is 18:30 in Berlin (summer time).
  assert.equal(set.evaluate(input({ headers }, { now: new Date('2025-07-15T16:30:00Z') })).allowed, false);
  assert.equal(set.evaluate(input({ headers }, { now: new Date('2025-07-15T15:30:00Z') })).allowed, true);
});

test('workflow identity conditions', () => {
  const ci = (claims: Record<string, unknown>) => set.evaluate(input({ namespace: 'dev' }, { claims, namespaceObject: null }));
  assert.equal(ci({ repository: 'org/app', ref: 'refs/heads/main' }).allowed, true);
  assert.equal((ci({ repository: 'org/app', ref: 'refs/heads/feature' }) as { reason: string }).reason, 'access policy "ci-deploys-from-main-only", condition "main": only org/app on refs/heads/main may deploy');
  assert.equal(ci({ repository: 'evil/app', ref: 'refs/heads/main' }).allowed, false);
});

test('evaluation errors deny (fail closed)', () => {
  const broken = compileAccessPolicies([{ name: 'p', matchConditions: [], validations: [{ name: 'v', expression: "request.headers['missing'] == 'x'" }] }]);
  const decision = broken.evaluate(input());
  assert.equal(decision.allowed, false);
  assert.match((decision as { reason: string }).reason, /condition "v": could not be evaluated/);
});

test('compile errors name the field path', () => {
  assert.throws(
    () => compileAccessPolicies([{ name: 'p', matchConditions: [], validations: [{ name: 'v', expression: 'request.verb ==' }] }]),
    (err: Error) => err instanceof AccessPolicyError && err.message.startsWith('access.policies[0].validations[0].expression: '),
  );
  assert.throws(() => compileAccessPolicies([{ name: 'p', matchConditions: [{ name: 'm', expression: "'x'" }], validations: [{ name: 'v', expression: 'true' }] }]), /access\.policies\[0\]\.matchConditions\[0\]\.expression: must evaluate to bool, not string/);
});

test('end to end: prod writes need a ticket, which then travels upstream as an impersonated extra', async () => {
  const h = await startHarness({
    config: {
      access: {
        policies: [
          {
            name: 'prod-writes-need-a-ticket',
            matchConditions: [{ name: 'writes', expression: WRITES }, { name: 'prod', expression: PROD }],
            validations: [{ name: 'justification', expression: POLICIES[0]!.validations[0]!.expression, message: POLICIES[0]!.validations[0]!.message! }],
          },
        ],
      },
    },
  });
  try {
    const token = await h.humanToken();
    const ns = await h.request('/api/v1/namespaces', { token, method: 'POST', body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { env: 'prod' } } }), headers: { 'content-type': 'application/json' } });
    assert.equal(ns.status, 201);
    const cm = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'price' }, data: { a: '1' } });
    const before = h.upstream.seen.length;
    const refused = await h.request('/api/v1/namespaces/shop/configmaps', { token, method: 'POST', body: cm, headers: { 'content-type': 'application/json' } });
    assert.equal(refused.status, 403);
    const status = JSON.parse(refused.body) as { reason: string; message: string };
    assert.equal(status.reason, 'Forbidden');
    assert.equal(status.message, 'access policy "prod-writes-need-a-ticket", condition "justification": writes to production need X-Gatehouse-Justification: JIRA-<number>');
    assert.deepEqual(h.upstream.seen.slice(before).map((r) => `${r.method} ${r.url}`), ['GET /api/v1/namespaces/shop'], 'only the namespace lookup (as the proxy) reached the upstream');
    assert.equal(h.upstream.seen.at(-1)!.user?.username, 'system:serviceaccount:gatehouse:proxy');
    const allowed = await h.request('/api/v1/namespaces/shop/configmaps', { token, method: 'POST', body: cm, headers: { 'content-type': 'application/json', 'X-Gatehouse-Justification': 'JIRA-123' } });
    assert.equal(allowed.status, 201, allowed.body);
    const seen = h.upstream.seen.at(-1)!;
    assert.equal(seen.headers['impersonate-extra-gatehouse.dev%2fjustification'], 'JIRA-123');
    assert.deepEqual(seen.user?.extra, { 'gatehouse.dev/justification': ['JIRA-123'] });
    assert.equal(seen.headers['x-gatehouse-justification'], undefined);
    const reads = await h.request('/api/v1/namespaces/shop/configmaps', { token });
    assert.equal(reads.status, 200);
    const events = await h.auditEvents((all) => all.length >= 4);
    const denied = events.find((e) => (e.annotations as Record<string, string>)['authorization.k8s.io/decision'] === 'forbid')!;
    assert.match((denied.annotations as Record<string, string>)['authorization.k8s.io/reason']!, /condition "justification"/);
    assert.equal((denied.responseStatus as { code: number }).code, 403);
  } finally {
    await h.close();
  }
});

test('kubectl prints the refusal of a discovery request, not "unknown"', { skip: existsSync(KUBECTL) ? false : `kubectl not found at ${KUBECTL}` }, async () => {
  const h = await startHarness({
    config: {
      access: {
        policies: [
          {
            name: 'on-call-only',
            matchConditions: [{ name: 'everything', expression: 'true' }],
            validations: [{ name: 'on-call', expression: "'oidc:on-call' in user.groups", message: 'only on-call engineers may use this cluster' }],
          },
        ],
      },
    },
  });
  try {
    const token = await h.humanToken();
    const result = await h.kubectl(token, ['get', 'pods']);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /Error from server \(Forbidden\): access policy "on-call-only", condition "on-call": only on-call engineers may use this cluster/);
    assert.doesNotMatch(result.stderr, /unknown/);
    // A resource request is still answered with a Status object.
    const refused = await h.request('/api/v1/namespaces/default/pods', { token });
    assert.equal(refused.status, 403);
    assert.equal((JSON.parse(refused.body) as { reason: string }).reason, 'Forbidden');
  } finally {
    await h.close();
  }
});
