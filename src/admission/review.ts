// AdmissionReview admission.k8s.io/v1, in and out. Requests are read strictly: anything the API server would not
// send is refused with a reason (a 400 to the caller) before any policy sees it.
import type { GroupVersionKind, GroupVersionResource } from '../kube/matching/resources.js';
import { isKubeObject, type KubeObject } from '../kube/object.js';
import { asRecord } from '../kube/pod-template.js';
import type { Operation, UserInfo } from '../policy/policy.js';
import { JsonInputError, parseBoundedJson } from './bounded-json.js';

export const ADMISSION_API_VERSION = 'admission.k8s.io/v1';
export const ADMISSION_KIND = 'AdmissionReview';

const OPERATIONS: ReadonlySet<string> = new Set(['CREATE', 'UPDATE', 'DELETE', 'CONNECT']);

export interface AdmissionRequest {
  uid: string;
  kind: GroupVersionKind;
  resource: GroupVersionResource;
  subResource?: string;
  requestKind?: GroupVersionKind;
  requestResource?: GroupVersionResource;
  requestSubResource?: string;
  name?: string;
  namespace?: string;
  operation: Operation;
  userInfo: UserInfo;
  /** The object as submitted; null for DELETE. */
  object: KubeObject | null;
  /** The stored object for UPDATE and DELETE; null otherwise. */
  oldObject: KubeObject | null;
  dryRun: boolean;
  options?: Record<string, unknown>;
}

export interface AdmissionStatus {
  code: number;
  reason?: string;
  message: string;
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: AdmissionStatus;
  /** Base64 of a JSON Patch (RFC 6902) document. */
  patch?: string;
  patchType?: 'JSONPatch';
  auditAnnotations?: Record<string, string>;
  warnings?: string[];
}

export interface AdmissionReviewLimits {
  /** Largest request body accepted, in bytes. */
  maxRequestBytes: number;
  /** Deepest JSON nesting accepted. */
  maxJsonDepth: number;
}

/** A request Gatehouse refuses to evaluate; `message` is returned to the caller. */
export class MalformedReviewError extends Error {
  override name = 'MalformedReviewError';
}

function requireString(parent: Record<string, unknown>, key: string, path: string, allowEmpty = false): string {
  const value = parent[key];
  if (typeof value !== 'string' || (!allowEmpty && value === '')) {
    throw new MalformedReviewError(`${path}.${key} must be a ${allowEmpty ? '' : 'non-empty '}string`);
  }
  return value;
}

function optionalString(parent: Record<string, unknown>, key: string, path: string): string | undefined {
  const value = parent[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new MalformedReviewError(`${path}.${key} must be a string`);
  return value;
}

function gvk(value: unknown, path: string): GroupVersionKind {
  const r = asRecord(value);
  if (!r) throw new MalformedReviewError(`${path} must be an object with group, version and kind`);
  return { group: requireString(r, 'group', path, true), version: requireString(r, 'version', path), kind: requireString(r, 'kind', path) };
}

function gvr(value: unknown, path: string): GroupVersionResource {
  const r = asRecord(value);
  if (!r) throw new MalformedReviewError(`${path} must be an object with group, version and resource`);
  return { group: requireString(r, 'group', path, true), version: requireString(r, 'version', path), resource: requireString(r, 'resource', path) };
}

function userInfoOf(value: unknown): UserInfo {
  const path = 'request.userInfo';
  const r = asRecord(value);
  if (!r) throw new MalformedReviewError(`${path} must be an object`);
  const user: UserInfo = { username: requireString(r, 'username', path, true) };
  const uid = optionalString(r, 'uid', path);
  if (uid !== undefined) user.uid = uid;
  if (r.groups !== undefined && r.groups !== null) {
    if (!Array.isArray(r.groups) || r.groups.some((g) => typeof g !== 'string')) throw new MalformedReviewError(`${path}.groups must be a list of strings`);
    user.groups = r.groups as string[];
  }
  if (r.extra !== undefined && r.extra !== null) {
    const extra = asRecord(r.extra);
    if (!extra) throw new MalformedReviewError(`${path}.extra must be a map of string lists`);
    for (const [key, values] of Object.entries(extra)) {
      if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) throw new MalformedReviewError(`${path}.extra["${key}"] must be a list of strings`);
    }
    user.extra = extra as Record<string, string[]>;
  }
  return user;
}

function objectOf(value: unknown, path: string): KubeObject | null {
  if (value === undefined || value === null) return null;
  if (!isKubeObject(value)) throw new MalformedReviewError(`${path} must be a Kubernetes object with apiVersion and kind`);
  if (value.metadata === undefined || value.metadata === null) value.metadata = {};
  if (!asRecord(value.metadata)) throw new MalformedReviewError(`${path}.metadata must be an object`);
  return value;
}

/** Reads and checks an AdmissionReview request body. Throws MalformedReviewError with the reason. */
export function parseAdmissionReview(text: string, limits: AdmissionReviewLimits): AdmissionRequest {
  let parsed: unknown;
  try {
    parsed = parseBoundedJson(text, limits.maxJsonDepth);
  } catch (err) {
    if (err instanceof JsonInputError) throw new MalformedReviewError(err.message);
    throw err;
  }
  const review = asRecord(parsed);
  if (!review) throw new MalformedReviewError('the body must be a JSON object (an AdmissionReview)');
  if (review.apiVersion !== ADMISSION_API_VERSION || review.kind !== ADMISSION_KIND) {
    throw new MalformedReviewError(`expected apiVersion ${ADMISSION_API_VERSION} and kind ${ADMISSION_KIND}, got ${JSON.stringify(review.apiVersion ?? null)} and ${JSON.stringify(review.kind ?? null)}`);
  }
  const r = asRecord(review.request);
  if (!r) throw new MalformedReviewError('request is missing: an AdmissionReview sent to a webhook must carry a request');
  const operation = requireString(r, 'operation', 'request');
  if (!OPERATIONS.has(operation)) throw new MalformedReviewError(`request.operation must be one of CREATE, UPDATE, DELETE, CONNECT, got "${operation}"`);
  if (r.dryRun !== undefined && r.dryRun !== null && typeof r.dryRun !== 'boolean') throw new MalformedReviewError('request.dryRun must be a boolean');
  const request: AdmissionRequest = {
    uid: requireString(r, 'uid', 'request'),
    kind: gvk(r.kind, 'request.kind'),
    resource: gvr(r.resource, 'request.resource'),
    operation: operation as Operation,
    userInfo: userInfoOf(r.userInfo),
    object: objectOf(r.object, 'request.object'),
    oldObject: objectOf(r.oldObject, 'request.oldObject'),
    dryRun: r.dryRun === true,
  };
  if (r.requestKind !== undefined && r.requestKind !== null) request.requestKind = gvk(r.requestKind, 'request.requestKind');
  if (r.requestResource !== undefined && r.requestResource !== null) request.requestResource = gvr(r.requestResource, 'request.requestResource');
  for (const key of ['subResource', 'requestSubResource', 'name', 'namespace'] as const) {
    const value = optionalString(r, key, 'request');
    if (value !== undefined) request[key] = value;
  }
  const options = asRecord(r.options);
  if (options) request.options = options;
  if ((operation === 'CREATE' || operation === 'UPDATE') && request.object === null) throw new MalformedReviewError(`request.object is required for ${operation}`);
  if (operation === 'UPDATE' && request.oldObject === null) throw new MalformedReviewError('request.oldObject is required for UPDATE');
  return request;
}

/** Everything of an answering AdmissionReview before its `response`; only the response varies. */
const REVIEW_JSON_PREFIX = `{"apiVersion":${JSON.stringify(ADMISSION_API_VERSION)},"kind":${JSON.stringify(ADMISSION_KIND)},"response":`;

/** The AdmissionReview that answers a request, as JSON. */
export function admissionReviewJson(response: AdmissionResponse): string {
  return `${REVIEW_JSON_PREFIX}${JSON.stringify(response)}}`;
}
