// An HTTPS upstream that behaves like the Kubernetes API server for the calls `gatehouse admission` (its watched
// cache of Namespaces and parameter objects) and `gatehouse audit` (paginated lists, server-side apply of
// PolicyReports) make, following the API server's documented behaviour ("API Concepts": efficient detection of
// changes, retrieving large results sets in chunks; "Server-Side Apply"):
// - Bearer-token authentication; anything else is 401 with a Status.
// - Discovery: /api, /api/v1, /apis, /apis/<group>/<version> for the kinds in KINDS (enough for kubectl to map them).
// - list (GET on a collection, across namespaces or in one): items without apiVersion and kind,
//   `metadata.resourceVersion` of the snapshot; with `limit`, at most that many items plus `metadata.continue` and
//   `remainingItemCount`, and every later page (`continue=`) comes from the same snapshot, whatever changed since.
//   An unknown continue token is 410 Expired.
// - watch (`watch=true`): one JSON event per line, ADDED/MODIFIED/DELETED with the whole object. Without
//   resourceVersion (or "0"), the current objects come first as ADDED; with one, every change after it. A
//   resourceVersion older than the retained history (see `compact`) is answered, as the API server does, with HTTP
//   200 and one ERROR event carrying a 410 Expired Status, then the end of the stream. `timeoutSeconds` ends it.
// - apply (PATCH, `application/apply-patch+yaml`): requires `fieldManager` (422 otherwise); creates (201) or
//   replaces what that manager declared (200). With a single manager, as here, the object becomes the applied
//   configuration plus server-set metadata, and `managedFields` names the manager.
// Objects are written by tests through `put` and `remove`, which bump the resourceVersion and notify watches.
// Every request is recorded in `requests`.
import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { KubeObject } from '../../../src/kube/object.js';
import { createTestTls, type TestTls } from '../../support/tls.js';
import { readBody, sendJson as send } from '../../support/http.js';

export interface FakeKind {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

const kind = (group: string, version: string, name: string, plural: string, namespaced = true): FakeKind => ({ group, version, kind: name, plural, namespaced });

/** What the audit lists and applies, what the webhook watches, and what `gatehouse admission manifests` prints. */
export const KINDS: readonly FakeKind[] = [
  kind('', 'v1', 'Namespace', 'namespaces', false),
  kind('', 'v1', 'ConfigMap', 'configmaps'),
  kind('', 'v1', 'Secret', 'secrets'),
  kind('', 'v1', 'ServiceAccount', 'serviceaccounts'),
  kind('', 'v1', 'Service', 'services'),
  kind('', 'v1', 'Pod', 'pods'),
  kind('', 'v1', 'PodTemplate', 'podtemplates'),
  kind('', 'v1', 'ReplicationController', 'replicationcontrollers'),
  kind('apps', 'v1', 'Deployment', 'deployments'),
  kind('apps', 'v1', 'ReplicaSet', 'replicasets'),
  kind('apps', 'v1', 'StatefulSet', 'statefulsets'),
  kind('apps', 'v1', 'DaemonSet', 'daemonsets'),
  kind('batch', 'v1', 'Job', 'jobs'),
  kind('batch', 'v1', 'CronJob', 'cronjobs'),
  kind('policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets'),
  kind('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false),
  kind('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', false),
  kind('admissionregistration.k8s.io', 'v1', 'ValidatingAdmissionPolicy', 'validatingadmissionpolicies', false),
  kind('admissionregistration.k8s.io', 'v1', 'ValidatingAdmissionPolicyBinding', 'validatingadmissionpolicybindings', false),
  kind('admissionregistration.k8s.io', 'v1', 'ValidatingWebhookConfiguration', 'validatingwebhookconfigurations', false),
  kind('admissionregistration.k8s.io', 'v1', 'MutatingWebhookConfiguration', 'mutatingwebhookconfigurations', false),
  kind('wgpolicyk8s.io', 'v1alpha2', 'PolicyReport', 'policyreports'),
  kind('wgpolicyk8s.io', 'v1alpha2', 'ClusterPolicyReport', 'clusterpolicyreports', false),
  kind('example.com', 'v1', 'ReplicaLimit', 'replicalimits'),
];

const VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  contentType?: string;
}

export interface FakeKubeApi {
  url: string;
  tls: TestTls;
  requests: SeenRequest[];
  /** Writes a kubeconfig for this server (CA and bearer token) into the TLS directory and returns its path. */
  kubeconfig(): string;
  /** Creates or replaces an object, as a controller or user would; watches see ADDED or MODIFIED. */
  put(object: KubeObject): KubeObject;
  /** Deletes an object; watches see DELETED. */
  remove(apiVersion: string, kind: string, namespace: string, name: string): void;
  objects(apiVersion: string, kind: string): KubeObject[];
  /** Forgets the change history, like etcd compaction: a watch from an older resourceVersion gets 410 Expired. */
  compact(): void;
  /** Ends every open watch, as the API server does when a watch's request timeout passes. */
  closeWatches(): void;
  openWatches(): number;
  /** Takes the port down (connections reset) and brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

function status(code: number, reason: string, message: string): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

const apiVersionOf = (k: FakeKind) => (k.group === '' ? k.version : `${k.group}/${k.version}`);
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

interface Event {
  rv: number;
  kind: FakeKind;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
}

interface Watcher {
  kind: FakeKind;
  namespace: string;
  send(event: Event): void;
  end(): void;
}

export async function startFakeKubeApi(): Promise<FakeKubeApi> {
  const tls = await createTestTls();
  const token = randomBytes(16).toString('hex');
  const requests: SeenRequest[] = [];
  const store = new Map<FakeKind, Map<string, KubeObject>>(KINDS.map((k) => [k, new Map()]));
  const continuations = new Map<string, { items: KubeObject[]; offset: number; rv: number }>();
  let history: Event[] = [];
  /** Changes at or below this resourceVersion are no longer retained. */
  let compactedAt = 1;
  let rv = 1;
  const watchers = new Set<Watcher>();
  const sockets = new Set<Socket>();

  const kindOf = (apiVersion: string, name: string) => {
    const found = KINDS.find((k) => apiVersionOf(k) === apiVersion && k.kind === name);
    if (!found) throw new Error(`the fake API server does not serve ${apiVersion} ${name}`);
    return found;
  };
  const keyOf = (namespace: string | undefined, name: string | undefined) => `${namespace ?? ''}/${name ?? ''}`;

  const record = (k: FakeKind, type: Event['type'], object: KubeObject) => {
    const event = { rv, kind: k, type, object: clone(object) };
    history.push(event);
    for (const w of watchers) if (w.kind === k && (w.namespace === '' || w.namespace === object.metadata.namespace)) w.send(event);
  };

  const discovery = (path: string): unknown => {
    const groups = [...new Set(KINDS.filter((k) => k.group !== '').map(apiVersionOf))];
    if (path === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] };
    if (path === '/apis') {
      return {
        kind: 'APIGroupList', apiVersion: 'v1',
        groups: groups.map((gv) => {
          const [name, version] = gv.split('/') as [string, string];
          return { name, versions: [{ groupVersion: gv, version }], preferredVersion: { groupVersion: gv, version } };
        }),
      };
    }
    const gv = path === '/api/v1' ? 'v1' : /^\/apis\/([^/]+\/[^/]+)$/.exec(path)?.[1];
    if (gv === undefined || (gv !== 'v1' && !groups.includes(gv))) return undefined;
    return {
      kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv,
      resources: KINDS.filter((k) => apiVersionOf(k) === gv).map((k) => ({ name: k.plural, singularName: k.kind.toLowerCase(), namespaced: k.namespaced, kind: k.kind, verbs: VERBS })),
    };
  };

  const list = (res: ServerResponse, k: FakeKind, namespace: string, query: URLSearchParams) => {
    const limit = Number(query.get('limit') ?? '0');
    const token = query.get('continue');
    let snapshot: { items: KubeObject[]; offset: number; rv: number };
    if (token) {
      const found = continuations.get(token);
      if (!found) return send(res, 410, status(410, 'Expired', 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.'));
      continuations.delete(token);
      snapshot = found;
    } else {
      const items = [...store.get(k)!.entries()]
        .filter(([, o]) => namespace === '' || o.metadata.namespace === namespace)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([, o]) => {
          const { apiVersion: _apiVersion, kind: _kind, ...rest } = clone(o);
          return rest as KubeObject;
        });
      snapshot = { items, offset: 0, rv };
    }
    const end = limit > 0 ? Math.min(snapshot.items.length, snapshot.offset + limit) : snapshot.items.length;
    const metadata: Record<string, unknown> = { resourceVersion: String(snapshot.rv) };
    if (end < snapshot.items.length) {
      const next = randomUUID();
      continuations.set(next, { ...snapshot, offset: end });
      metadata.continue = next;
      metadata.remainingItemCount = snapshot.items.length - end;
    }
    send(res, 200, { kind: `${k.kind}List`, apiVersion: apiVersionOf(k), metadata, items: snapshot.items.slice(snapshot.offset, end) });
  };

  const watch = (req: IncomingMessage, res: ServerResponse, k: FakeKind, namespace: string, query: URLSearchParams) => {
    const from = query.get('resourceVersion') ?? '';
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    const line = (type: string, object: unknown) => res.write(`${JSON.stringify({ type, object })}\n`);
    if (from !== '' && from !== '0' && Number(from) < compactedAt) {
      line('ERROR', status(410, 'Expired', `too old resource version: ${from} (${compactedAt})`));
      res.end();
      return;
    }
    const watcher: Watcher = { kind: k, namespace, send: (event) => line(event.type, event.object), end: () => res.end() };
    if (from === '' || from === '0') {
      for (const o of store.get(k)!.values()) if (namespace === '' || o.metadata.namespace === namespace) line('ADDED', o);
    } else {
      for (const event of history) if (event.rv > Number(from) && event.kind === k && (namespace === '' || event.object.metadata.namespace === namespace)) watcher.send(event);
    }
    watchers.add(watcher);
    const timeout = Number(query.get('timeoutSeconds') ?? '0');
    const timer = timeout > 0 ? setTimeout(() => res.end(), timeout * 1000) : undefined;
    req.socket.on('close', () => {
      watchers.delete(watcher);
      clearTimeout(timer);
    });
    res.on('finish', () => watchers.delete(watcher));
  };

  const apply = async (req: IncomingMessage, res: ServerResponse, k: FakeKind, namespace: string, name: string, query: URLSearchParams) => {
    const body = await readBody(req);
    if (!req.headers['content-type']?.startsWith('application/apply-patch+yaml')) {
      return send(res, 415, status(415, 'UnsupportedMediaType', `the fake API server only accepts application/apply-patch+yaml patches, got ${req.headers['content-type']}`));
    }
    const manager = query.get('fieldManager');
    if (!manager) return send(res, 422, status(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch'));
    let applied: KubeObject;
    try {
      applied = parse(body) as KubeObject;
    } catch (err) {
      return send(res, 400, status(400, 'BadRequest', `error decoding YAML: ${(err as Error).message}`));
    }
    if (applied?.apiVersion !== apiVersionOf(k) || applied.kind !== k.kind || applied.metadata?.name !== name || (applied.metadata.namespace ?? '') !== namespace) {
      return send(res, 400, status(400, 'BadRequest', `the applied object is not ${apiVersionOf(k)} ${k.kind} ${namespace}/${name}`));
    }
    const existing = store.get(k)!.get(keyOf(namespace, name));
    rv++;
    const time = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const stored: KubeObject = {
      ...applied,
      metadata: {
        ...applied.metadata,
        uid: existing?.metadata.uid ?? randomUUID(),
        creationTimestamp: existing?.metadata.creationTimestamp ?? time,
        resourceVersion: String(rv),
        managedFields: [{ manager, operation: 'Apply', apiVersion: apiVersionOf(k), time, fieldsType: 'FieldsV1', fieldsV1: {} }],
      },
    };
    store.get(k)!.set(keyOf(namespace, name), stored);
    record(k, existing ? 'MODIFIED' : 'ADDED', stored);
    send(res, existing ? 200 : 201, stored);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'https://fake.invalid');
    requests.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams, ...(req.headers['content-type'] ? { contentType: req.headers['content-type'] } : {}) });
    if (req.headers.authorization !== `Bearer ${token}`) return send(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
    const doc = req.method === 'GET' ? discovery(url.pathname) : undefined;
    if (doc !== undefined) return send(res, 200, doc);
    const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?$/.exec(url.pathname);
    const k = m && KINDS.find((x) => x.plural === m[5] && x.group === (m[2] ?? '') && x.version === (m[1] ?? m[3]));
    if (!m || !k) return send(res, 404, status(404, 'NotFound', `the server could not find the requested resource (${req.method} ${url.pathname})`));
    const namespace = m[4] ? decodeURIComponent(m[4]) : '';
    const name = m[6] ? decodeURIComponent(m[6]) : '';
    const watching = url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1';
    if (req.method === 'GET' && name === '') return watching ? watch(req, res, k, namespace, url.searchParams) : list(res, k, namespace, url.searchParams);
    if (req.method === 'PATCH' && name !== '') return apply(req, res, k, namespace, name, url.searchParams);
    send(res, 405, status(405, 'MethodNotAllowed', `the fake API server does not serve ${req.method} ${url.pathname}`));
  };

  const server: Server = createServer({ cert: tls.server.cert, key: tls.server.key }, (req, res) => {
    handle(req, res).catch((err: Error) => send(res, 500, status(500, 'InternalError', err.message)));
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  let port = 0;
  const start = () => new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      port = (server.address() as { port: number }).port;
      resolve();
    });
  });
  const stop = () => new Promise<void>((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    for (const socket of sockets) socket.destroy();
  });
  await start();
  const url = `https://127.0.0.1:${port}`;

  return {
    url,
    tls,
    requests,
    kubeconfig() {
      const file = join(tls.dir, 'kubeconfig.json');
      writeFileSync(file, JSON.stringify({
        apiVersion: 'v1', kind: 'Config', 'current-context': 'test',
        clusters: [{ name: 'test', cluster: { server: url, 'certificate-authority-data': Buffer.from(tls.ca).toString('base64') } }],
        users: [{ name: 'gatehouse', user: { token } }],
        contexts: [{ name: 'test', context: { cluster: 'test', user: 'gatehouse' } }],
      }), { mode: 0o600 });
      return file;
    },
    put(object) {
      const k = kindOf(object.apiVersion, object.kind);
      const key = keyOf(object.metadata.namespace, object.metadata.name);
      const existing = store.get(k)!.get(key);
      rv++;
      const stored = clone({ ...object, metadata: { ...object.metadata, uid: existing?.metadata.uid ?? randomUUID(), resourceVersion: String(rv) } });
      store.get(k)!.set(key, stored);
      record(k, existing ? 'MODIFIED' : 'ADDED', stored);
      return stored;
    },
    remove(apiVersion, kindName, namespace, name) {
      const k = kindOf(apiVersion, kindName);
      const existing = store.get(k)!.get(keyOf(namespace, name));
      if (!existing) throw new Error(`${kindName} ${namespace}/${name} does not exist`);
      store.get(k)!.delete(keyOf(namespace, name));
      rv++;
      record(k, 'DELETED', { ...existing, metadata: { ...existing.metadata, resourceVersion: String(rv) } });
    },
    objects: (apiVersion, kindName) => [...store.get(kindOf(apiVersion, kindName))!.values()].map(clone),
    compact() {
      history = [];
      compactedAt = rv;
    },
    closeWatches() {
      for (const w of watchers) w.end();
      watchers.clear();
    },
    openWatches: () => watchers.size,
    stop,
    start,
    async close() {
      await stop();
      tls.cleanup();
    },
  };
}
