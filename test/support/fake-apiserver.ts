// An HTTPS upstream that behaves like the Kubernetes API server for the calls Gatehouse's tests make, following its
// documented behaviour (there is no API server on the test machines):
// - Authentication of the caller: bearer tokens from a fixed table, or client certificates from the test CA
//   (CN = user, O = groups). Anything else is 401 Unauthorized.
// - Impersonation (kubernetes.io "User impersonation"; k8s.io/apiserver impersonation filter): Impersonate-User,
//   Impersonate-Uid, Impersonate-Group (repeatable) and Impersonate-Extra-<percent-encoded key> (lower-cased,
//   then percent-decoded). Groups, uid or extra without a user are refused; the caller needs `impersonate` on
//   every part (users or serviceaccounts, groups, uids, userextras/<key>); a non-anonymous impersonated user gets
//   `system:authenticated` unless the groups name it or `system:unauthenticated`; an impersonated service account
//   without groups gets `system:serviceaccounts` and `system:serviceaccounts:<namespace>`.
// - Authorization: `authorize(user, attributes)` (default: allow every authenticated user; `impersonate` only for
//   users listed in `impersonators`).
// - Discovery (/version, /api, /api/v1, /apis, /apis/<group>/<version>, minimal /openapi/v2 and /openapi/v3),
//   SelfSubjectReview (authentication.k8s.io/v1), SubjectAccessReview (authorization.k8s.io/v1, answered with
//   `authorize`), and in-memory get/list/watch/create/update/patch (merge and strategic-merge treated as JSON merge
//   patch, server-side apply as a merge)/delete of pods, configmaps, namespaces and deployments, with
//   resourceVersions, `Status` errors and watches streamed as chunked JSON lines kept open until the client leaves
//   or `timeoutSeconds` passes.
// - exec over WebSocket with the channel protocol (v5/v4.channel.k8s.io: stdin 0, stdout 1, stderr 2, error 3,
//   resize 4, close 255): `echo …` prints its arguments, `cat` echoes stdin until stdin closes; the error channel
//   carries the final Status.
// - exec/attach/portforward over a SPDY/3.1 upgrade: answers 101 with the negotiated X-Stream-Protocol-Version,
//   sends an empty SPDY SETTINGS frame (SPDY_GREETING), then echoes every byte, so a test speaks SPDY frames to
//   itself through the proxy. Bytes that arrive before the 101 is sent are counted in `bytesBeforeSwitch`.
// - pods/log: the first line at once, and with `follow=true` a numbered line every 100 ms until the client leaves.
// - Faults: `setMode('slow', ms)` delays every answer, `stop()`/`start()` takes the port down and brings it back;
//   `fixedResponse` answers everything with one body (benchmarks). Bodies are JSON or YAML; protobuf gets 415.
// Every request is recorded in `seen` so tests can assert what reached (or never reached) the upstream.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { WebSocketServer, type WebSocket } from 'ws';
import { createTestTls, type TestTls } from './tls.js';
import { readBody, sendJson as send } from './http.js';

/** What the fake API server sends first on a SPDY/3.1 session: a SETTINGS control frame with no entries. */
export const SPDY_GREETING = Buffer.from([0x80, 3, 0, 4, 0, 0, 0, 4, 0, 0, 0, 0]);

export interface FakeUser {
  username: string;
  uid?: string;
  groups: string[];
  extra: Record<string, string[]>;
}

export interface Attributes {
  verb: string;
  group?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  rawHeaders: string[];
  /** Who authenticated (the proxy), when authentication succeeded. */
  caller?: FakeUser;
  /** The effective user after impersonation. */
  user?: FakeUser;
  /** SPDY upgrades: bytes received from the caller before the 101 answer was sent. */
  bytesBeforeSwitch?: number;
}

export interface FakeApiServerOptions {
  /** Bearer token → user. */
  tokens?: Record<string, Omit<FakeUser, 'extra'> & { extra?: Record<string, string[]> }>;
  /** Users allowed to impersonate anyone (by the default `authorize`). */
  impersonators?: string[];
  authorize?: (user: FakeUser, attributes: Attributes) => boolean;
  /** Answer every request with this JSON body, without authentication (benchmark upstream). */
  fixedResponse?: string;
  tls?: TestTls;
}

export interface FakeApiServer {
  url: string;
  port: number;
  tls: TestTls;
  seen: SeenRequest[];
  /** Watches currently open. */
  openWatches(): number;
  /** TLS connections accepted so far (a client that reuses its connections opens few). */
  connectionsAccepted(): number;
  objects(resource: string): Record<string, unknown>[];
  setMode(mode: 'ok' | 'slow', delayMs?: number): void;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

interface ResourceType {
  group: string;
  version: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
}

const RESOURCES: Record<string, ResourceType> = {
  pods: { group: '', version: 'v1', kind: 'Pod', namespaced: true, verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] },
  configmaps: { group: '', version: 'v1', kind: 'ConfigMap', namespaced: true, verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] },
  namespaces: { group: '', version: 'v1', kind: 'Namespace', namespaced: false, verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] },
  deployments: { group: 'apps', version: 'v1', kind: 'Deployment', namespaced: true, verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] },
};
const CORE_SUBRESOURCES = [
  { name: 'pods/exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
  { name: 'pods/log', kind: 'Pod', verbs: ['get'] },
];
const API_GROUPS: Record<string, string[]> = {
  apps: ['deployments'],
  'authentication.k8s.io': ['selfsubjectreviews'],
  'authorization.k8s.io': ['subjectaccessreviews'],
};

function status(code: number, reason: string, message: string): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/** The API server's reading of impersonation headers (see the header comment). */
function impersonationRequest(req: IncomingMessage): { user?: FakeUser; checks: Attributes[]; error?: string } {
  let username: string | undefined;
  let uid: string | undefined;
  const groups: string[] = [];
  const extra: Record<string, string[]> = {};
  const checks: Attributes[] = [];
  let others = false;
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    const value = Buffer.from(req.rawHeaders[i + 1]!, 'latin1').toString('utf8');
    if (name === 'impersonate-user') username = value;
    else if (name === 'impersonate-uid') {
      uid = value;
      others = true;
    } else if (name === 'impersonate-group') {
      groups.push(value);
      others = true;
    } else if (name.startsWith('impersonate-extra-')) {
      let key = name.slice('impersonate-extra-'.length);
      try {
        key = decodeURIComponent(key);
      } catch {
        // kept as sent, like the API server
      }
      (extra[key] ??= []).push(value);
      others = true;
    }
  }
  if (username === undefined) return others ? { checks, error: 'requested impersonation without impersonating a user' } : { checks };
  const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(username);
  if (sa) checks.push({ verb: 'impersonate', resource: 'serviceaccounts', namespace: sa[1]!, name: sa[2]! });
  else checks.push({ verb: 'impersonate', resource: 'users', name: username });
  for (const g of groups) checks.push({ verb: 'impersonate', resource: 'groups', name: g });
  if (uid !== undefined) checks.push({ verb: 'impersonate', group: 'authentication.k8s.io', resource: 'uids', name: uid });
  for (const [key, values] of Object.entries(extra)) for (const v of values) checks.push({ verb: 'impersonate', group: 'authentication.k8s.io', resource: 'userextras', subresource: key, name: v });
  const effectiveGroups = [...groups];
  if (sa && groups.length === 0) effectiveGroups.push('system:serviceaccounts', `system:serviceaccounts:${sa[1]}`);
  if (username !== 'system:anonymous' && !effectiveGroups.includes('system:authenticated') && !effectiveGroups.includes('system:unauthenticated')) {
    effectiveGroups.push('system:authenticated');
  }
  return { user: { username, ...(uid !== undefined ? { uid } : {}), groups: effectiveGroups, extra }, checks };
}

export async function startFakeApiServer(options: FakeApiServerOptions = {}): Promise<FakeApiServer> {
  const tls = options.tls ?? (await createTestTls());
  const ownsTls = options.tls === undefined;
  const tokens = options.tokens ?? {};
  const impersonators = new Set(options.impersonators ?? []);
  const authorize = options.authorize ?? ((user: FakeUser, attrs: Attributes) => (attrs.verb === 'impersonate' ? impersonators.has(user.username) : true));
  const seen: SeenRequest[] = [];
  const store = new Map<string, Map<string, Record<string, unknown>>>(Object.keys(RESOURCES).map((r) => [r, new Map()]));
  const events: Array<{ rv: number; resource: string; type: string; object: Record<string, unknown> }> = [];
  const watchers = new Set<(event: (typeof events)[number]) => void>();
  let rv = 100;
  let mode: 'ok' | 'slow' = 'ok';
  let delayMs = 0;
  const sockets = new Set<Socket>();
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => ['v5.channel.k8s.io', 'v4.channel.k8s.io'].find((p) => protocols.has(p)) ?? false,
  });

  const key = (namespace: string, name: string) => `${namespace}/${name}`;
  const record = (resource: string, type: string, object: Record<string, unknown>) => {
    const event = { rv, resource, type, object };
    events.push(event);
    if (events.length > 1000) events.shift();
    for (const w of watchers) w(event);
  };
  // The default namespace exists, as in a real cluster.
  store.get('namespaces')!.set(key('', 'default'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default', resourceVersion: String(rv), labels: { 'kubernetes.io/metadata.name': 'default' } } });

  const authenticate = (req: IncomingMessage): FakeUser | undefined => {
    const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    if (auth) {
      const entry = tokens[auth[1]!];
      return entry ? { extra: {}, ...entry } : undefined;
    }
    const socket = req.socket as TLSSocket;
    if (socket.authorized) {
      const cert = socket.getPeerCertificate();
      const subject = cert.subject as unknown as Record<string, string | string[]> | undefined;
      if (subject?.CN) {
        const o = subject.O;
        return { username: String(subject.CN), groups: [...(Array.isArray(o) ? o : o ? [o] : []), 'system:authenticated'], extra: {} };
      }
    }
    return undefined;
  };

  const discovery = (path: string): unknown => {
    if (path === '/version') return { major: '1', minor: '32', gitVersion: 'v1.32.0', platform: 'linux/amd64' };
    if (path === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] };
    if (path === '/apis') {
      return {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: Object.keys(API_GROUPS).map((name) => ({ name, versions: [{ groupVersion: `${name}/v1`, version: 'v1' }], preferredVersion: { groupVersion: `${name}/v1`, version: 'v1' } })),
      };
    }
    const resourceEntry = (name: string) => {
      const r = RESOURCES[name];
      if (r) return { name, singularName: r.kind.toLowerCase(), namespaced: r.namespaced, kind: r.kind, verbs: r.verbs };
      return { name, singularName: '', namespaced: false, kind: name === 'selfsubjectreviews' ? 'SelfSubjectReview' : 'SubjectAccessReview', verbs: ['create'] };
    };
    if (path === '/api/v1') {
      return {
        kind: 'APIResourceList',
        groupVersion: 'v1',
        resources: [...['pods', 'configmaps', 'namespaces'].map(resourceEntry), ...CORE_SUBRESOURCES.map((s) => ({ name: s.name, singularName: '', namespaced: true, kind: s.kind, verbs: s.verbs }))],
      };
    }
    const group = /^\/apis\/([^/]+)\/v1$/.exec(path);
    if (group && API_GROUPS[group[1]!]) return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `${group[1]}/v1`, resources: API_GROUPS[group[1]!]!.map(resourceEntry) };
    // OpenAPI v3, only as much as kubectl reads: one PATCH operation per kind carrying its group-version-kind and
    // the `fieldValidation` query parameter, which tells kubectl to let the server validate fields.
    const groupVersions = ['api/v1', ...Object.keys(API_GROUPS).map((g) => `apis/${g}/v1`)];
    if (path === '/openapi/v3') return { paths: Object.fromEntries(groupVersions.map((gv) => [gv, { serverRelativeURL: `/openapi/v3/${gv}?hash=0` }])) };
    const gvPath = /^\/openapi\/v3\/(.+)$/.exec(path)?.[1];
    if (gvPath && groupVersions.includes(gvPath)) {
      const paths: Record<string, unknown> = {};
      for (const [name, r] of Object.entries(RESOURCES)) {
        if ((r.group === '' ? 'api/v1' : `apis/${r.group}/v1`) !== gvPath) continue;
        const item = `/${gvPath}/${r.namespaced ? 'namespaces/{namespace}/' : ''}${name}/{name}`;
        paths[item] = {
          patch: {
            'x-kubernetes-group-version-kind': { group: r.group, version: r.version, kind: r.kind },
            parameters: [{ name: 'fieldValidation', in: 'query', schema: { type: 'string' } }],
            responses: {},
          },
        };
      }
      return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths, components: { schemas: {} } };
    }
    return undefined;
  };

  const listOf = (resource: string, namespace: string) =>
    [...store.get(resource)!.entries()].filter(([k]) => !namespace || k.startsWith(`${namespace}/`)).map(([, v]) => v);

  async function handleResource(req: IncomingMessage, res: ServerResponse, user: FakeUser, url: URL): Promise<void> {
    const m = /^\/(?:api\/v1|apis\/([^/]+)\/v1)(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?(?:\/([^/]+))?$/.exec(url.pathname);
    if (!m) return send(res, 404, status(404, 'NotFound', `the server could not find the requested resource (${url.pathname})`));
    const [, group = '', namespace = '', resource = '', name = '', subresource = ''] = m;
    if (group === 'authentication.k8s.io' && resource === 'selfsubjectreviews' && req.method === 'POST') {
      await readBody(req);
      return send(res, 201, { kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1', metadata: { creationTimestamp: null }, status: { userInfo: user } });
    }
    if (group === 'authorization.k8s.io' && resource === 'subjectaccessreviews' && req.method === 'POST') {
      const review = JSON.parse(await readBody(req)) as { spec: { user: string; groups?: string[]; uid?: string; extra?: Record<string, string[]>; resourceAttributes: Attributes } };
      const subject: FakeUser = { username: review.spec.user, groups: review.spec.groups ?? [], extra: review.spec.extra ?? {}, ...(review.spec.uid ? { uid: review.spec.uid } : {}) };
      const allowed = authorize(subject, review.spec.resourceAttributes);
      return send(res, 201, { ...review, status: { allowed, ...(allowed ? {} : { reason: 'denied by the test authorizer' }) } });
    }
    const type = RESOURCES[resource];
    if (!type || type.group !== group) return send(res, 404, status(404, 'NotFound', `the server could not find the requested resource (${resource})`));
    if (type.namespaced && namespace === '' && req.method !== 'GET') return send(res, 400, status(400, 'BadRequest', 'namespace required'));
    const objects = store.get(resource)!;
    const groupVersion = group ? `${group}/v1` : 'v1';
    const verb = req.method === 'GET' ? (name ? 'get' : url.searchParams.get('watch') ? 'watch' : 'list') : req.method === 'POST' ? 'create' : req.method === 'PUT' ? 'update' : req.method === 'PATCH' ? 'patch' : 'delete';
    if (!authorize(user, { verb, group, resource, namespace, name, subresource })) {
      return send(res, 403, status(403, 'Forbidden', `${resource} is forbidden: User "${user.username}" cannot ${verb} resource "${resource}"`));
    }
    if (subresource === 'exec') return send(res, 400, status(400, 'BadRequest', 'exec needs a connection upgrade'));
    if (subresource === 'log') {
      const pod = objects.get(key(namespace, name));
      if (!pod) return send(res, 404, status(404, 'NotFound', `pods "${name}" not found`));
      res.writeHead(200, { 'content-type': 'text/plain' });
      let line = 1;
      res.write(`log line ${line} of ${name}\n`);
      if (url.searchParams.get('follow') !== 'true') return void res.end();
      const timer = setInterval(() => res.write(`log line ${++line} of ${name}\n`), 100);
      req.on('close', () => clearInterval(timer));
      return;
    }
    if (verb === 'watch') {
      const since = Number(url.searchParams.get('resourceVersion') ?? '0');
      const fieldName = /metadata\.name=([^,]+)/.exec(url.searchParams.get('fieldSelector') ?? '')?.[1];
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      res.flushHeaders();
      const emit = (event: (typeof events)[number]) => {
        if (event.resource !== resource) return;
        const meta = event.object.metadata as { namespace?: string; name?: string };
        if (namespace && meta.namespace !== namespace) return;
        if (fieldName && meta.name !== fieldName) return;
        res.write(`${JSON.stringify({ type: event.type, object: event.object })}\n`);
      };
      if (since === 0) for (const obj of listOf(resource, namespace)) emit({ rv: 0, resource, type: 'ADDED', object: obj });
      else for (const event of events) if (event.rv > since) emit(event);
      watchers.add(emit);
      const timeout = Number(url.searchParams.get('timeoutSeconds') ?? '0');
      const timer = timeout > 0 ? setTimeout(() => res.end(), timeout * 1000) : undefined;
      res.on('close', () => {
        watchers.delete(emit);
        clearTimeout(timer);
      });
      return;
    }
    if (verb === 'list') {
      const items = listOf(resource, namespace);
      return send(res, 200, { kind: `${type.kind}List`, apiVersion: groupVersion, metadata: { resourceVersion: String(rv) }, items });
    }
    const existing = objects.get(key(namespace, name));
    if (verb === 'get') return existing ? send(res, 200, existing) : send(res, 404, status(404, 'NotFound', `${resource} "${name}" not found`));
    if (verb === 'delete') {
      if (!existing) return send(res, 404, status(404, 'NotFound', `${resource} "${name}" not found`));
      objects.delete(key(namespace, name));
      rv++;
      record(resource, 'DELETED', existing);
      return send(res, 200, existing);
    }
    const body = await readBody(req);
    if (/protobuf/.test(req.headers['content-type'] ?? '')) return send(res, 415, status(415, 'UnsupportedMediaType', 'this server speaks JSON and YAML only'));
    let input: Record<string, unknown>;
    try {
      input = body.trim().startsWith('{') ? (JSON.parse(body) as Record<string, unknown>) : ((await import('yaml')).parse(body) as Record<string, unknown>);
    } catch {
      return send(res, 400, status(400, 'BadRequest', 'body is not JSON or YAML'));
    }
    if (verb === 'create') {
      const meta = (input.metadata ?? {}) as Record<string, unknown>;
      const objName = String(meta.name ?? '');
      if (!objName) return send(res, 422, status(422, 'Invalid', 'metadata.name: Required value'));
      if (objects.has(key(namespace, objName))) return send(res, 409, status(409, 'AlreadyExists', `${resource} "${objName}" already exists`));
      rv++;
      const created = { ...input, apiVersion: groupVersion, kind: type.kind, metadata: { ...meta, ...(type.namespaced ? { namespace } : {}), uid: `uid-${rv}`, resourceVersion: String(rv), creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z') } };
      objects.set(key(namespace, objName), created);
      record(resource, 'ADDED', created);
      return send(res, 201, created);
    }
    const isApply = req.headers['content-type']?.startsWith('application/apply-patch') === true;
    if (!existing && !isApply) return send(res, 404, status(404, 'NotFound', `${resource} "${name}" not found`));
    rv++;
    const merged = (verb === 'update' ? input : mergePatch(existing ?? {}, input)) as Record<string, unknown>;
    const meta = { ...((existing?.metadata as Record<string, unknown>) ?? { uid: `uid-${rv}`, creationTimestamp: new Date().toISOString() }), ...((merged.metadata as Record<string, unknown>) ?? {}), name, ...(type.namespaced ? { namespace } : {}), resourceVersion: String(rv) };
    const updated = { ...merged, apiVersion: groupVersion, kind: type.kind, metadata: meta };
    objects.set(key(namespace, name), updated);
    record(resource, existing ? 'MODIFIED' : 'ADDED', updated);
    return send(res, existing ? 200 : 201, updated);
  }

  /** Authenticates the caller and applies impersonation: the effective user, or the error to answer with. */
  const identify = (req: IncomingMessage, entry: SeenRequest): FakeUser | { code: number; body: string } => {
    const caller = authenticate(req);
    if (!caller) return { code: 401, body: status(401, 'Unauthorized', 'Unauthorized') };
    entry.caller = caller;
    const impersonation = impersonationRequest(req);
    if (impersonation.error) return { code: 400, body: status(400, 'BadRequest', impersonation.error) };
    for (const check of impersonation.checks) {
      if (!authorize(caller, check)) {
        const what = check.subresource ? `${check.resource}/${check.subresource}` : check.resource;
        return { code: 403, body: status(403, 'Forbidden', `${what} "${check.name}" is forbidden: User "${caller.username}" cannot impersonate resource "${what}" in API group "${check.group ?? ''}" at the cluster scope`) };
      }
    }
    const user = impersonation.user ?? caller;
    entry.user = user;
    return user;
  };

  const later = (fn: () => void) => (mode === 'slow' ? setTimeout(fn, delayMs) : fn());

  const server: Server = createServer({ cert: tls.server.cert, key: tls.server.key, ca: tls.ca, requestCert: true, rejectUnauthorized: false, keepAliveTimeout: 65_000 }, (req, res) => {
    if (options.fixedResponse !== undefined) {
      send(res, 200, options.fixedResponse);
      return;
    }
    const entry: SeenRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders };
    seen.push(entry);
    later(() => {
      const who = identify(req, entry);
      if ('code' in who) return send(res, who.code, who.body);
      const url = new URL(req.url ?? '/', 'https://fake.invalid');
      const doc = discovery(url.pathname);
      if (doc !== undefined) return send(res, 200, doc);
      handleResource(req, res, who, url).catch((err: Error) => send(res, 500, status(500, 'InternalError', err.message)));
    });
  });
  let accepted = 0;
  server.on('secureConnection', () => accepted++);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const entry: SeenRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders };
    seen.push(entry);
    const who = identify(req, entry);
    const refuse = (code: number, body: string) => socket.end(`HTTP/1.1 ${code} Refused\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    if ('code' in who) return refuse(who.code, who.body);
    const url = new URL(req.url ?? '/', 'https://fake.invalid');
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/(exec|attach|portforward)$/.exec(url.pathname);
    if (!m) return refuse(404, status(404, 'NotFound', `no upgrade is served at ${url.pathname}`));
    if (!store.get('pods')!.has(key(m[1]!, m[2]!))) return refuse(404, status(404, 'NotFound', `pods "${m[2]}" not found`));
    const protocol = req.headers.upgrade?.toLowerCase();
    if (protocol === 'spdy/3.1') return serveSpdy(req, socket, head, entry);
    if (protocol !== 'websocket' || m[3] !== 'exec') return refuse(400, status(400, 'BadRequest', 'only WebSocket exec and SPDY/3.1 are served'));
    wss.handleUpgrade(req, socket, head, (ws) => runExec(ws, url.searchParams.getAll('command')));
  });

  const SPDY_STREAM_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'channel.k8s.io', 'portforward.k8s.io'];
  function serveSpdy(req: IncomingMessage, socket: Socket, head: Buffer, entry: SeenRequest): void {
    const offered = (req.headers['x-stream-protocol-version'] ?? '').toString().split(',').map((p) => p.trim());
    const chosen = SPDY_STREAM_PROTOCOLS.find((p) => offered.includes(p));
    if (!chosen) {
      const body = status(403, 'Forbidden', 'no supported X-Stream-Protocol-Version');
      socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      return;
    }
    entry.bytesBeforeSwitch = head.length;
    const early = [head];
    const countEarly = (chunk: Buffer) => {
      entry.bytesBeforeSwitch! += chunk.length;
      early.push(chunk);
    };
    socket.on('data', countEarly);
    socket.on('error', () => socket.destroy());
    later(() => {
      socket.off('data', countEarly);
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${chosen}\r\n\r\n`);
      socket.write(SPDY_GREETING);
      for (const chunk of early) if (chunk.length > 0) socket.write(chunk);
      socket.on('data', (chunk: Buffer) => socket.write(chunk));
      socket.on('end', () => socket.end());
    });
  }

  function runExec(ws: WebSocket, command: string[]): void {
    const out = (channel: number, data: string | Buffer) => ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(data)]));
    const finish = (code: number) => {
      const result = code === 0 ? { metadata: {}, status: 'Success' } : { metadata: {}, status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: String(code) }] } };
      out(3, JSON.stringify(result));
      ws.close(1000);
    };
    if (command[0] === 'echo') {
      out(1, `${command.slice(1).join(' ')}\n`);
      finish(0);
    } else if (command[0] === 'cat') {
      ws.on('message', (data: Buffer) => {
        if (data[0] === 0) out(1, data.subarray(1));
        else if (data[0] === 255 && data[1] === 0) finish(0);
      });
    } else {
      out(2, `${command[0] ?? ''}: command not found\n`);
      finish(127);
    }
  }

  let listening = false;
  let port = 0;
  const start = () =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        port = (server.address() as { port: number }).port;
        listening = true;
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (!listening) return resolve();
      listening = false;
      for (const client of wss.clients) client.terminate();
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
  await start();

  return {
    url: `https://127.0.0.1:${port}`,
    port,
    tls,
    seen,
    openWatches: () => watchers.size,
    connectionsAccepted: () => accepted,
    objects: (resource) => [...(store.get(resource)?.values() ?? [])],
    setMode(next, ms = 0) {
      mode = next;
      delayMs = ms;
    },
    stop,
    start,
    async close() {
      await stop();
      wss.close();
      if (ownsTls) tls.cleanup();
    },
  };
}
