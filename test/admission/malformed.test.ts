// Malformed requests get a 400 Status with a reason — never a crash, a hang, or an AdmissionReview that allows.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { DEFAULT_SETTINGS } from '../../src/admission/config.js';
import { podSecurityParts } from '../../src/admission/policy-sources.js';
import { admit, post, reviewOf } from './support/reviews.js';
import { startTestWebhook, type TestWebhook } from './support/webhook.js';
import { privilegedSpec, restrictedSpec, workloads } from './support/workloads.js';

function status(body: string): { kind: string; code: number; reason: string; message: string } {
  return JSON.parse(body) as { kind: string; code: number; reason: string; message: string };
}

describe('malformed admission requests', () => {
  let webhook: TestWebhook;
  let validate: string;
  before(async () => {
    webhook = await startTestWebhook({ loadPolicies: async () => ({ podSecurity: podSecurityParts(DEFAULT_SETTINGS), builtin: [], declared: [] }) });
    validate = `${webhook.url}/validate`;
  });
  after(() => webhook.close());

  const expect400 = async (body: string | Buffer, reason: RegExp, headers?: Record<string, string>) => {
    const result = await post(validate, webhook.ca, body, headers);
    assert.equal(result.status, 400, result.body);
    const s = status(result.body);
    assert.equal(s.kind, 'Status');
    assert.equal(s.reason, 'BadRequest');
    assert.match(s.message, reason);
  };

  const valid = () => reviewOf(workloads(restrictedSpec)[0]!);

  it('refuses a body that is not JSON', () => expect400('{"apiVersion": "admission.k8s.io/v1", kind', /not valid JSON/));
  it('refuses JSON that is not an object', () => expect400('[1,2,3]', /must be a JSON object/));
  it('refuses another apiVersion or kind', async () => {
    await expect400(JSON.stringify({ ...valid(), apiVersion: 'admission.k8s.io/v1beta1' }), /expected apiVersion admission\.k8s\.io\/v1 and kind AdmissionReview, got "admission\.k8s\.io\/v1beta1"/);
    await expect400(JSON.stringify({ ...valid(), kind: 'TokenReview' }), /got "admission\.k8s\.io\/v1" and "TokenReview"/);
  });
  it('refuses a review without request', () => expect400(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }), /request is missing/));
  it('refuses a request without uid, operation, kind or userInfo', async () => {
    for (const [field, reason] of [['uid', /request\.uid must be a non-empty string/], ['operation', /request\.operation/], ['kind', /request\.kind must be an object/], ['userInfo', /request\.userInfo must be an object/]] as const) {
      const review = valid();
      delete (review.request as Record<string, unknown>)[field];
      await expect400(JSON.stringify(review), reason);
    }
  });
  it('refuses malformed fields with their path', async () => {
    const review = valid();
    (review.request as Record<string, any>).userInfo = { username: 'x', extra: { 'gatehouse.dev/ref': 'refs/heads/main' } };
    await expect400(JSON.stringify(review), /request\.userInfo\.extra\["gatehouse\.dev\/ref"\] must be a list of strings/);
    const noObject = valid();
    (noObject.request as Record<string, unknown>).object = null;
    await expect400(JSON.stringify(noObject), /request\.object is required for CREATE/);
    const notObject = valid();
    (notObject.request as Record<string, unknown>).object = { kind: 'Pod' };
    await expect400(JSON.stringify(notObject), /request\.object must be a Kubernetes object/);
  });
  it('refuses another content type', () => expect400(JSON.stringify(valid()), /content-type must be application\/json/, { 'content-type': 'application/yaml' }));
  it('refuses an oversized body announced by content-length', () => expect400(Buffer.alloc(DEFAULT_SETTINGS.limits.maxRequestBytes + 1, 32), /larger than the limit/));
  it('refuses an oversized chunked body while it streams', async () => {
    // The server answers as soon as the limit is passed; write errors after that (it closes the connection) are expected.
    const result = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      let answered = false;
      const req = request(validate, { method: 'POST', ca: webhook.ca, agent: false, headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      });
      req.on('error', (err) => (answered ? undefined : reject(err)));
      const chunk = Buffer.alloc(1024 * 1024, 32);
      let sent = 0;
      const pump = () => {
        while (sent < 16 && !answered) {
          sent++;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    assert.equal(result.status, 400);
    assert.match(status(result.body).message, /larger than the limit/);
  });
  it('refuses deep nesting before parsing it', async () => {
    const deep = `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    await expect400(deep, /nesting is deeper than 100 levels/);
  });
  it('answers wrong methods and paths with a Status', async () => {
    const get = await post(validate, webhook.ca, '', {}, 'GET');
    assert.equal(get.status, 405);
    assert.equal(get.headers.allow, 'POST');
    const other = await post(`${webhook.url}/admit`, webhook.ca, JSON.stringify(valid()));
    assert.equal(other.status, 404);
    assert.match(status(other.body).message, /POST \/validate and POST \/mutate/);
  });
  it('judges a pod with 10,000 containers within the deadline and answers with a bounded message', async () => {
    const pod = workloads(privilegedSpec)[0]!;
    (pod.spec as Record<string, unknown>).containers = Array.from({ length: 10_000 }, (_, i) => ({ name: `c${i}`, image: 'nginx:1.27', securityContext: { privileged: true } }));
    const started = Date.now();
    const response = await admit(validate, webhook.ca, reviewOf(pod));
    assert.equal(response.allowed, false);
    assert.ok(Date.now() - started < DEFAULT_SETTINGS.deadlineMs + 1000, 'answered before the webhook timeout');
    assert.match(response.status!.message, /^pods "web" is forbidden: violates PodSecurity "restricted:latest": /);
    assert.ok(response.status!.message.length <= 10_000, `message is ${response.status!.message.length} characters`);
  });
  it('counts reviews of made-up kinds under a bounded set of metric labels', async () => {
    for (let i = 0; i < 80; i++) {
      // The first kind carries what could confuse a label key or the exposition format.
      const object = { apiVersion: 'example.com/v1', kind: i === 0 ? 'We"ird\u0000,{Kind}\n' : `Made${i}`, metadata: { name: 'x', namespace: 'team-a' } };
      assert.equal((await admit(validate, webhook.ca, reviewOf(object))).allowed, true);
    }
    const text = await webhook.server.registry.metrics();
    const kinds = new Set([...text.matchAll(/gatehouse_admission_requests_total\{[^}]*kind="([^"]*)"/g)].map((m) => m[1]));
    assert.ok(kinds.size <= 64 + 2, `${kinds.size} kind labels (64 kinds, "other", and "" for malformed requests)`);
    assert.match(text, /gatehouse_admission_requests_total\{webhook="validate",operation="CREATE",kind="other",decision="allowed"\} [1-9]/);
  });
  it('keeps serving after all of that', async () => {
    assert.equal((await admit(validate, webhook.ca, valid())).allowed, true);
    const malformed = webhook.logs().filter((l) => l.msg === 'malformed admission request refused');
    assert.ok(malformed.length >= 10);
    assert.match(await webhook.server.registry.metrics(), /gatehouse_admission_requests_total\{webhook="validate",operation="",kind="",decision="malformed"\} \d+/);
  });
});

describe('a request body that does not arrive', () => {
  let webhook: TestWebhook;
  before(async () => {
    webhook = await startTestWebhook({ settings: { deadlineMs: 300 } });
  });
  after(() => webhook.close());

  it('is refused once the deadline passes, and the connection closed', async () => {
    const body = JSON.stringify(reviewOf(workloads(restrictedSpec)[0]!));
    const result = await new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
      const req = request(`${webhook.url}/validate`, { method: 'POST', ca: webhook.ca, agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body: Buffer.concat(chunks).toString() }));
      });
      req.on('error', reject);
      // Half the body, then nothing: the server must not wait for the rest beyond its deadline.
      req.write(body.slice(0, body.length / 2));
    });
    assert.equal(result.status, 400, result.body);
    assert.equal(result.connection, 'close');
    assert.match(status(result.body).message, /^receiving the request body did not finish within 300 ms$/);
    assert.ok(webhook.logs().some((l) => l.msg === 'malformed admission request refused' && /did not finish within 300 ms/.test(String(l.reason))));
  });
});
