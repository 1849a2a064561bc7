// AdmissionReview documents as the API server sends them, and an HTTPS client that posts them to a webhook.
import { request } from 'node:https';
import { randomUUID } from 'node:crypto';
import { resourceOfObject } from '../../../src/kube/matching/resources.js';
import type { KubeObject } from '../../../src/kube/object.js';
import type { Operation, UserInfo } from '../../../src/policy/policy.js';
import type { AdmissionResponse } from '../../../src/admission/review.js';

export interface ReviewOptions {
  operation?: Operation;
  oldObject?: KubeObject | null;
  userInfo?: UserInfo;
  dryRun?: boolean;
  subResource?: string;
}

export const ALICE: UserInfo = { username: 'alice@example.com', groups: ['developers', 'system:authenticated'] };

/** The review the API server sends for `object` (for DELETE: the stored object, sent as oldObject). */
export function reviewOf(object: KubeObject, options: ReviewOptions = {}): Record<string, unknown> {
  const operation = options.operation ?? 'CREATE';
  const info = resourceOfObject(object);
  const deleting = operation === 'DELETE';
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: randomUUID(),
      kind: { group: info.group, version: info.version, kind: info.kind },
      resource: { group: info.group, version: info.version, resource: info.resource },
      requestKind: { group: info.group, version: info.version, kind: info.kind },
      requestResource: { group: info.group, version: info.version, resource: info.resource },
      ...(options.subResource ? { subResource: options.subResource } : {}),
      name: object.metadata.name ?? '',
      ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
      operation,
      userInfo: options.userInfo ?? ALICE,
      object: deleting ? null : object,
      oldObject: deleting ? object : (options.oldObject ?? null),
      dryRun: options.dryRun ?? false,
      options: { apiVersion: 'meta.k8s.io/v1', kind: deleting ? 'DeleteOptions' : operation === 'UPDATE' ? 'UpdateOptions' : 'CreateOptions' },
    },
  };
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function post(url: string, ca: string, body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }, method = 'POST'): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, ca, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Posts a review and returns its `response`, checking the envelope and the echoed uid. */
export async function admit(url: string, ca: string, review: Record<string, unknown>): Promise<AdmissionResponse> {
  const result = await post(url, ca, JSON.stringify(review));
  if (result.status !== 200) throw new Error(`webhook answered ${result.status}: ${result.body}`);
  const parsed = JSON.parse(result.body) as { apiVersion: string; kind: string; response: AdmissionResponse };
  if (parsed.apiVersion !== 'admission.k8s.io/v1' || parsed.kind !== 'AdmissionReview') throw new Error(`not an AdmissionReview: ${result.body}`);
  const uid = (review.request as { uid: string }).uid;
  if (parsed.response.uid !== uid) throw new Error(`uid ${parsed.response.uid} does not echo ${uid}`);
  return parsed.response;
}
