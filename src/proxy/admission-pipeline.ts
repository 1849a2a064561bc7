// Decides whether a client request may go upstream and as whom: request info → bearer token → client
// impersonation → justification → access policies → impersonation headers. Each refusal carries the Status it
// is answered with and the reason the audit record keeps. Nothing here forwards anything.
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { Principal, Authenticator } from '../identity/principal.js';
import type { UserInfo } from '../policy/policy.js';
import type { StatusReason } from '../server/status.js';
import { NO_POLICY_APPLIES, type AccessDecision, type AccessPolicySet, type AccessRequest } from './access-policy.js';
import { JUSTIFICATION_HEADER, upstreamRequestHeaders } from './header-hygiene.js';
import { clientImpersonationHeaderNames, impersonationHeadersOf, ImpersonationValueError, readClientImpersonation } from './impersonation.js';
import { reviewImpersonation } from './impersonation-review.js';
import type { NamespaceCache } from './namespace-cache.js';
import { parseRequestInfo, RequestInfoError, type RequestInfo } from './request-info.js';
import type { Upstream } from './upstream.js';

export const JUSTIFICATION_EXTRA_KEY = 'gatehouse.dev/justification';
const MAX_JUSTIFICATION_CHARS = 512;
/** Subresources that open interactive sessions; Kubernetes authorizes them as `create` even over a GET upgrade. */
const SESSION_SUBRESOURCES = new Set(['exec', 'attach', 'portforward']);

export type ClientImpersonationMode = 'Deny' | 'SubjectAccessReview';

export interface PipelineOptions {
  authenticator: Authenticator;
  upstream: Upstream;
  access: AccessPolicySet;
  /** Request headers access policies may read (lower-case). */
  accessRequestHeaders: readonly string[];
  namespaces: NamespaceCache;
  clientImpersonation: ClientImpersonationMode;
  upstreamCallTimeoutMs: number;
  now?: () => Date;
}

export interface RequestContext {
  auditId: string;
  received: Date;
  sourceIp: string;
  info: RequestInfo;
  /** The justification taken from the URL path prefix (justification-path.ts), if any. */
  justification?: string;
}

export interface Admitted {
  ok: true;
  principal: Principal;
  /** The identity sent upstream (the mapped user, or the client's allowed `--as` target), with the justification. */
  effectiveUser: UserInfo;
  headers: OutgoingHttpHeaders;
  reason: string;
}

export interface Refused {
  ok: false;
  code: number;
  statusReason: StatusReason;
  message: string;
  principal?: Principal;
  issuer?: string;
}

const refuse = (code: number, statusReason: StatusReason, message: string, extra: Partial<Refused> = {}): Refused => ({ ok: false, code, statusReason, message, ...extra });

/** Request info of any request; an unparsable path yields a non-resource info so it can still be audited. */
export function requestInfoOf(req: IncomingMessage): RequestInfo | RequestInfoError {
  try {
    return parseRequestInfo(req.method ?? 'GET', req.url ?? '/');
  } catch (err) {
    if (err instanceof RequestInfoError) return err;
    throw err;
  }
}

function bearerToken(req: IncomingMessage): string | Refused {
  let count = 0;
  for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i]!.toLowerCase() === 'authorization') count++;
  if (count === 0) return refuse(401, 'Unauthorized', 'Unauthorized: a bearer token is required');
  if (count > 1) return refuse(401, 'Unauthorized', 'Unauthorized: more than one Authorization header');
  const match = /^Bearer +([^ ]+) *$/i.exec(req.headers.authorization ?? '');
  if (!match) return refuse(401, 'Unauthorized', 'Unauthorized: the Authorization header must be "Bearer <token>"');
  return match[1]!;
}

/** The request headers policies may read; a justification from the URL path is presented as its header. */
function selectedHeaders(req: IncomingMessage, names: readonly string[], pathJustification: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = name === JUSTIFICATION_HEADER && pathJustification !== undefined ? pathJustification : req.headers[name];
    if (typeof value === 'string') out[name] = value;
    else if (Array.isArray(value)) out[name] = value.join(', ');
  }
  return out;
}

function withExtra(user: UserInfo, key: string, value: string): UserInfo {
  return { ...user, extra: { ...(user.extra ?? {}), [key]: [value] } };
}

export async function admitRequest(req: IncomingMessage, ctx: RequestContext, options: PipelineOptions, upgrade: boolean): Promise<Admitted | Refused> {
  const token = bearerToken(req);
  if (typeof token !== 'string') return token;
  const result = await options.authenticator.authenticate(token);
  if (!result.ok) return refuse(401, 'Unauthorized', `Unauthorized: ${result.reason}`, result.issuer ? { issuer: result.issuer } : {});
  const { principal } = result;
  const withPrincipal = { principal, issuer: principal.issuer };

  let effectiveUser = principal.user;
  const impersonationNames = clientImpersonationHeaderNames(req.headers);
  if (impersonationNames.length > 0) {
    if (options.clientImpersonation === 'Deny') {
      return refuse(
        403,
        'Forbidden',
        `impersonation headers from clients are not accepted (${impersonationNames.join(', ')}): Gatehouse sets them from your verified token`,
        withPrincipal,
      );
    }
    let target: UserInfo;
    try {
      target = readClientImpersonation(req.rawHeaders);
    } catch (err) {
      return refuse(400, 'BadRequest', `invalid impersonation request: ${(err as Error).message}`, withPrincipal);
    }
    try {
      const verdict = await reviewImpersonation(options.upstream, principal.user, target, options.upstreamCallTimeoutMs);
      if (!verdict.allowed) return refuse(403, 'Forbidden', `impersonation refused: ${verdict.reason}`, withPrincipal);
    } catch (err) {
      return refuse(403, 'Forbidden', `impersonation refused: the permission check failed (${(err as Error).message})`, withPrincipal);
    }
    effectiveUser = target;
  }

  const header = req.headers[JUSTIFICATION_HEADER];
  if (Array.isArray(header)) return refuse(400, 'BadRequest', `${JUSTIFICATION_HEADER} given more than once`, withPrincipal);
  if (header !== undefined && ctx.justification !== undefined) {
    return refuse(400, 'BadRequest', `a justification was given both in the URL path and in ${JUSTIFICATION_HEADER}; give one`, withPrincipal);
  }
  const justification = ctx.justification ?? header;
  if (justification !== undefined) {
    if (justification.length > MAX_JUSTIFICATION_CHARS) return refuse(400, 'BadRequest', `${JUSTIFICATION_HEADER} longer than ${MAX_JUSTIFICATION_CHARS} characters`, withPrincipal);
    effectiveUser = withExtra(effectiveUser, JUSTIFICATION_EXTRA_KEY, justification.trim());
  }

  const decision = options.access.policies.length === 0 ? NO_POLICY_APPLIES : await evaluateAccess(req, ctx, options, upgrade, principal);
  if (!decision.allowed) return refuse(403, 'Forbidden', decision.reason, withPrincipal);

  let impersonation: Readonly<Record<string, string | string[]>>;
  try {
    impersonation = impersonationHeadersOf(effectiveUser);
  } catch (err) {
    if (!(err instanceof ImpersonationValueError)) throw err;
    return refuse(403, 'Forbidden', `the mapped identity cannot be sent upstream: ${err.message}`, withPrincipal);
  }
  const authorization = options.upstream.authorization();
  const headers = upstreamRequestHeaders(req.rawHeaders, req.headers, {
    clientAddress: ctx.sourceIp,
    auditId: ctx.auditId,
    impersonation,
    ...(authorization ? { authorization } : {}),
  });
  return { ok: true, principal, effectiveUser, headers, reason: decision.reason };
}

/** The access policies' decision on the request (with the request's namespace when an expression reads it). */
async function evaluateAccess(req: IncomingMessage, ctx: RequestContext, options: PipelineOptions, upgrade: boolean, principal: Principal): Promise<AccessDecision> {
  const { info } = ctx;
  let namespaceObject = null;
  if (options.access.needsNamespace && info.isResourceRequest && info.namespace !== '') {
    try {
      namespaceObject = await options.namespaces.get(info.namespace);
    } catch (err) {
      return { allowed: false, policy: '', condition: '', reason: `access conditions could not be checked: ${(err as Error).message}` };
    }
  }
  const request: AccessRequest = {
    verb: upgrade && SESSION_SUBRESOURCES.has(info.subresource) ? 'create' : info.verb,
    resource: info.resource,
    subresource: info.subresource,
    name: info.name,
    namespace: info.namespace,
    apiGroup: info.apiGroup,
    apiVersion: info.apiVersion,
    path: info.path,
    sourceIP: ctx.sourceIp,
    userAgent: req.headers['user-agent'] ?? '',
    headers: selectedHeaders(req, options.accessRequestHeaders, ctx.justification),
  };
  return options.access.evaluate({ user: principal.user, claims: principal.claims, request, namespaceObject, now: options.now?.() ?? ctx.received });
}
