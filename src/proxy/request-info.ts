// What a Kubernetes API request does, derived from its method and path exactly as the API server does
// (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go): resource requests live under /api/{version} (core group)
// and /apis/{group}/{version}; everything else (/version, /openapi/v2, /healthz…) is a non-resource request whose
// verb is the lower-cased HTTP method.
//
//   /api/v1/namespaces/prod/pods/web/exec  POST   → create pods/exec "web" in "prod"
//   /apis/apps/v1/deployments?watch=1      GET    → watch deployments (all namespaces)
//   /api/v1/watch/namespaces/prod/pods     GET    → watch pods in "prod" (legacy watch prefix)
//   /api/v1/namespaces/prod/configmaps     DELETE → deletecollection configmaps in "prod"

export interface RequestInfo {
  isResourceRequest: boolean;
  /** The URL path, without the query. */
  path: string;
  /** get, list, watch, create, update, patch, delete, deletecollection, proxy; or the lower-cased method. */
  verb: string;
  apiPrefix: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
}

const API_PREFIXES = new Set(['api', 'apis']);
const GROUPLESS_PREFIXES = new Set(['api']);
const SPECIAL_VERBS = new Set(['proxy', 'watch']);
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

const METHOD_VERBS: Record<string, string> = { POST: 'create', GET: 'get', HEAD: 'get', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

export class RequestInfoError extends Error {
  override name = 'RequestInfoError';
}

/** Query booleans as the API server decodes them: absent = false, "0"/"false" = false, anything else = true. */
function queryFlag(query: URLSearchParams, name: string): boolean {
  const value = query.get(name);
  return value !== null && value !== '0' && value.toLowerCase() !== 'false';
}

/** Splits a field selector on commas that are not backslash-escaped. */
function selectorTerms(selector: string): string[] {
  const terms: string[] = [];
  let current = '';
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i]!;
    if (c === '\\' && i + 1 < selector.length) {
      current += c + selector[i + 1];
      i++;
    } else if (c === ',') {
      terms.push(current);
      current = '';
    } else current += c;
  }
  terms.push(current);
  return terms.map((t) => t.trim());
}

function unescapeSelectorValue(value: string): string {
  return value.replace(/\\(.)/g, '$1');
}

/** Like path.IsValidPathSegmentName: a name that can stand as one URL path segment. */
function isValidPathSegmentName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !name.includes('/') && !name.includes('%');
}

/** `metadata.name=x` (or `==x`) in the field selector names the one object a list/watch is about. */
function nameFromFieldSelector(selector: string | null): string {
  if (!selector) return '';
  for (const term of selectorTerms(selector)) {
    const match = /^metadata\.name\s*==?\s*(.*)$/.exec(term);
    if (match) {
      const name = unescapeSelectorValue(match[1]!.trim());
      return isValidPathSegmentName(name) ? name : '';
    }
  }
  return '';
}

const SLASH = 0x2f;

function splitPath(path: string): string[] {
  // Index scans rather than a trimming regex, which tries its `/+$` branch at every slash: this runs per request.
  let start = 0;
  let end = path.length;
  while (start < end && path.charCodeAt(start) === SLASH) start++;
  while (end > start && path.charCodeAt(end - 1) === SLASH) end--;
  return start === end ? [] : path.slice(start, end).split('/');
}

/**
 * A path the WHATWG URL parser would return unchanged: only unreserved and sub-delimiter characters, `:`, `@` and
 * `/`; no percent-encoding, no backslash, no dot segment, and not starting with `//`. Such a path needs neither
 * normalizing nor decoding, which spares the URL parser on nearly every request.
 */
const PLAIN_PATH = /^\/(?!\/)[A-Za-z0-9\-._~!$&'()*+,;=:@/]*$/;
const DOT_SEGMENT = /(?:^|\/)\.{1,2}(?:\/|$)/;

/** The decoded, normalized path and the raw query of a request target, as `new URL(target, base)` reads them. */
function splitTarget(requestTarget: string): { path: string; query: string } {
  const q = requestTarget.indexOf('?');
  const rawPath = q < 0 ? requestTarget : requestTarget.slice(0, q);
  if (!requestTarget.includes('#') && PLAIN_PATH.test(rawPath) && !DOT_SEGMENT.test(rawPath)) {
    return { path: rawPath, query: q < 0 ? '' : requestTarget.slice(q + 1) };
  }
  const url = new URL(requestTarget, 'http://request.invalid');
  return { path: decodeURIComponentSafe(url.pathname), query: url.search.slice(1) };
}

/** Parses `requestTarget` (path + query, as in the request line) with the request's HTTP method. */
export function parseRequestInfo(method: string, requestTarget: string): RequestInfo {
  const { path, query } = splitTarget(requestTarget);
  const info = nonResourceInfo(path, method.toLowerCase());
  let parts = splitPath(path);
  if (parts.length < 3 || !API_PREFIXES.has(parts[0]!)) return info;
  const apiPrefix = parts[0]!;
  parts = parts.slice(1);
  let apiGroup = '';
  if (!GROUPLESS_PREFIXES.has(apiPrefix)) {
    if (parts.length < 3) return info;
    apiGroup = parts[0]!;
    parts = parts.slice(1);
  }
  Object.assign(info, { isResourceRequest: true, apiPrefix, apiGroup, apiVersion: parts[0]! });
  parts = parts.slice(1);

  if (SPECIAL_VERBS.has(parts[0]!)) {
    if (parts.length < 2) throw new RequestInfoError(`unable to determine kind and namespace from url ${path}`);
    info.verb = parts[0]!;
    parts = parts.slice(1);
  } else {
    info.verb = METHOD_VERBS[method.toUpperCase()] ?? '';
  }

  if (parts[0] === 'namespaces') {
    if (parts.length > 1) {
      info.namespace = parts[1]!;
      // /namespaces/{ns}/{resource}…, except the namespace's own subresources (status, finalize)
      if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2]!)) parts = parts.slice(2);
    }
  }
  // parts: resource/name/subresource/…; the proxy verb keeps everything after the name as the proxied path.
  if (parts.length >= 3 && info.verb !== 'proxy') info.subresource = parts[2]!;
  if (parts.length >= 2) info.name = parts[1]!;
  if (parts.length >= 1) info.resource = parts[0]!;

  if (info.name === '' && info.verb === 'get') {
    const params = new URLSearchParams(query);
    info.verb = queryFlag(params, 'watch') ? 'watch' : 'list';
    info.name = nameFromFieldSelector(params.get('fieldSelector'));
  }
  if (info.name === '' && info.verb === 'delete') info.verb = 'deletecollection';
  return info;
}

function decodeURIComponentSafe(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    throw new RequestInfoError(`malformed percent-encoding in path ${path}`);
  }
}

/** A request that names no resource (e.g. `/version`, `/healthz`, or one refused before it was parsed). */
export function nonResourceInfo(path: string, verb: string): RequestInfo {
  return { isResourceRequest: false, path, verb, apiPrefix: '', apiGroup: '', apiVersion: '', namespace: '', resource: '', subresource: '', name: '' };
}
