// Raw JSON calls to the API server with a kubeconfig's server and credentials (loading and authentication come from
// @kubernetes/client-node). Objects are judged exactly as stored, so they are read as plain JSON: the library's
// typed models turn timestamps into Dates and drop fields they do not know, which would hide any field newer than
// the library from every policy.
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../kube/object.js';
import { resourceOfObject } from '../kube/matching/resources.js';

/** One page of a list holds at most `limit` objects of at most 1.5 MiB (etcd's limit); this bounds the rest. */
const MAX_RESPONSE_BYTES = 512 * 1024 * 1024;
const REQUEST_TIMEOUT_MS = 60_000;
export const LIST_PAGE_SIZE = 500;

/** An answer other than 2xx, with the reason and message of the API server's Status. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(readonly status: number, readonly reason: string, message: string) {
    super(message);
  }
}

function readResponse(res: IncomingMessage, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_RESPONSE_BYTES) {
        res.destroy(new Error(`${what}: the answer is larger than ${MAX_RESPONSE_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', (err) => reject(err.message.startsWith(what) ? err : new Error(`${what}: ${err.message}`)));
  });
}

function errorOf(status: number, text: string, what: string): ApiError {
  let reason = '';
  let message = text.slice(0, 512);
  try {
    const body = JSON.parse(text) as { reason?: unknown; message?: unknown };
    if (typeof body.reason === 'string') reason = body.reason;
    if (typeof body.message === 'string') message = body.message;
  } catch {
    // not a Status: the start of the body is the message
  }
  return new ApiError(status, reason, `${what}: ${status}${reason ? ` ${reason}` : ''}: ${message}`);
}

export interface ApiRequest {
  method: 'GET' | 'PATCH';
  /** Path and query below the cluster's server URL, e.g. `/api/v1/pods?limit=500`. */
  path: string;
  body?: string;
  contentType?: string;
}

/** Sends one request and returns the parsed JSON answer; throws ApiError for a non-2xx answer. */
export async function apiRequest(kc: KubeConfig, call: ApiRequest): Promise<unknown> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const url = new URL(`${cluster.server.replace(/\/+$/, '')}${call.path}`);
  const options: RequestOptions & { headers: Record<string, string> } = { method: call.method, headers: { accept: 'application/json' }, timeout: REQUEST_TIMEOUT_MS };
  await kc.applyToHTTPSOptions(options);
  if (call.contentType) options.headers['content-type'] = call.contentType;
  const what = `${call.method} ${url.pathname}`;
  const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
  const text = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = send(url, options, (res) => {
      readResponse(res, what).then((body) => resolve({ status: res.statusCode ?? 0, text: body }), reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${what}: no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)));
    req.on('error', (err) => reject(new Error(`${what}: ${err.message}`)));
    req.end(call.body);
  });
  if (text.status < 200 || text.status > 299) throw errorOf(text.status, text.text, what);
  try {
    return JSON.parse(text.text) as unknown;
  } catch {
    throw new Error(`${what}: the answer is not JSON`);
  }
}

/** A kind as listed: where its collection is served and what its items are. */
export interface ListedKind {
  apiVersion: string;
  kind: string;
  /** Collection path across all namespaces, e.g. `/apis/apps/v1/deployments`. */
  path: string;
}

export function listedKind(apiVersion: string, kind: string): ListedKind {
  const { group, version, resource } = resourceOfObject({ apiVersion, kind, metadata: {} });
  return { apiVersion, kind, path: group === '' ? `/api/${version}/${resource}` : `/apis/${group}/${version}/${resource}` };
}

export interface ListPage {
  items: KubeObject[];
  /** The snapshot every page of one list comes from. */
  resourceVersion: string;
}

/**
 * A list in pages of `pageSize` (`limit` and `continue`): the API server serves every page from one snapshot and
 * holds only a page in memory at a time. Items come without apiVersion and kind; they are filled in.
 */
export async function* listPages(kc: KubeConfig, listed: ListedKind, pageSize = LIST_PAGE_SIZE): AsyncGenerator<ListPage> {
  let continueToken = '';
  do {
    const query = new URLSearchParams({ limit: String(pageSize) });
    if (continueToken) query.set('continue', continueToken);
    const page = await apiRequest(kc, { method: 'GET', path: `${listed.path}?${query}` }) as { metadata?: { resourceVersion?: string; continue?: string }; items?: unknown };
    if (!Array.isArray(page.items)) throw new Error(`GET ${listed.path}: the answer is not a list`);
    const items = (page.items as KubeObject[]).map((item) => ({ ...item, apiVersion: listed.apiVersion, kind: listed.kind }));
    yield { items, resourceVersion: page.metadata?.resourceVersion ?? '' };
    continueToken = page.metadata?.continue ?? '';
  } while (continueToken);
}

/** Every page of a list, as one list object (what an informer starts from). */
export async function listAll(kc: KubeConfig, listed: ListedKind): Promise<{ metadata: { resourceVersion: string }; items: KubeObject[] }> {
  const items: KubeObject[] = [];
  let resourceVersion = '';
  for await (const page of listPages(kc, listed)) {
    items.push(...page.items);
    resourceVersion ||= page.resourceVersion;
  }
  return { metadata: { resourceVersion }, items };
}

/** The path of one object, from its apiVersion, kind, namespace and name. */
export function objectPath(object: KubeObject): string {
  const { group, version, resource } = resourceOfObject(object);
  const namespace = object.metadata.namespace ? `/namespaces/${encodeURIComponent(object.metadata.namespace)}` : '';
  return `${group === '' ? `/api/${version}` : `/apis/${group}/${version}`}${namespace}/${resource}/${encodeURIComponent(object.metadata.name ?? '')}`;
}

/**
 * Server-side apply: the object becomes what `fieldManager` declares, without touching fields other managers own;
 * `force` takes over fields another manager set, so a re-run always converges.
 */
export async function serverSideApply(kc: KubeConfig, object: KubeObject, fieldManager: string): Promise<KubeObject> {
  const query = new URLSearchParams({ fieldManager, force: 'true' });
  // JSON is YAML, so the apply patch is sent as JSON under the YAML apply content type.
  return await apiRequest(kc, { method: 'PATCH', path: `${objectPath(object)}?${query}`, body: JSON.stringify(object), contentType: 'application/apply-patch+yaml' }) as KubeObject;
}
