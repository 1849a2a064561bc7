// A real HTTPS OIDC issuer for tests: discovery document and JWKS served over TLS (a per-issuer test CA), tokens
// signed with jose using ES256 and RS256 keys that carry kids. Tests can rotate keys, override the discovery
// document, and make the issuer fail (HTTP 500) or become unreachable (connections reset) to exercise faults.
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { createTestTls, type TestTls } from './tls.js';

export type IssuerAlgorithm = 'ES256' | 'RS256';
export type IssuerMode = 'ok' | 'error' | 'unreachable';

export interface IssuedKey {
  kid: string;
  alg: IssuerAlgorithm;
  privateKey: CryptoKey;
  publicJwk: JWK;
  /** SPKI PEM of the public key, e.g. for "HS256 signed with the public key" attacks. */
  publicPem: string;
}

export interface IssueOptions {
  /** Key to sign with; defaults to the newest key of `alg` (ES256 unless given). */
  kid?: string;
  alg?: IssuerAlgorithm;
  /** Extra or overriding protected-header parameters (e.g. `jku`, `typ`). */
  header?: Record<string, unknown>;
  /** Seconds until `exp` (default 600). Ignored when claims carry `exp` or `exp: undefined` is given. */
  expiresIn?: number;
}

export interface TestOidcIssuer {
  /** The issuer URL (`iss`), `https://127.0.0.1:<port>[/path]`. */
  readonly url: string;
  /** PEM of the CA that signed the issuer's serving certificate. */
  readonly ca: string;
  readonly caFile: string;
  readonly tls: TestTls;
  readonly keys: readonly IssuedKey[];
  /** Requests served per path since start (discovery, JWKS, anything else). */
  readonly requests: Map<string, number>;
  /** Signs a JWT; `iss`, `iat` and `exp` are filled in unless the claims set them (set to undefined to omit). */
  issue(claims: JWTPayload, options?: IssueOptions): Promise<string>;
  /** Generates a fresh ES256 and RS256 key pair; old keys are dropped from the JWKS unless `keepOld`. */
  rotateKeys(options?: { keepOld?: boolean }): Promise<void>;
  /** Fields merged over the discovery document (e.g. a wrong `issuer`, other algorithms). */
  setDiscovery(overrides: Record<string, unknown>): void;
  setMode(mode: IssuerMode): void;
  stop(): Promise<void>;
}

export interface TestOidcIssuerOptions {
  /** Path component of the issuer URL, e.g. `/realms/dev` (default none). */
  path?: string;
  /** Reuse TLS material (e.g. to share one CA between two issuers). */
  tls?: TestTls;
}

let kidCounter = 0;

async function newKey(alg: IssuerAlgorithm): Promise<IssuedKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = `${alg.toLowerCase()}-${++kidCounter}-${Date.now().toString(36)}`;
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, publicJwk, publicPem: await exportSPKI(publicKey) };
}

async function newKeys(): Promise<IssuedKey[]> {
  return [await newKey('ES256'), await newKey('RS256')];
}

export async function startOidcIssuer(options: TestOidcIssuerOptions = {}): Promise<TestOidcIssuer> {
  const ownsTls = options.tls === undefined;
  const tls = options.tls ?? (await createTestTls());
  let keys = await newKeys();
  let mode: IssuerMode = 'ok';
  let discoveryOverrides: Record<string, unknown> = {};
  const requests = new Map<string, number>();
  const sockets = new Set<Socket>();
  const path = (options.path ?? '').replace(/\/$/, '');
  let url = '';

  const discovery = () => ({
    issuer: url,
    jwks_uri: `${url}/keys`,
    authorization_endpoint: `${url}/authorize`,
    token_endpoint: `${url}/token`,
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['ES256', 'RS256'],
    claims_supported: ['sub', 'aud', 'exp', 'iat', 'iss'],
    ...discoveryOverrides,
  });

  const server: Server = createServer({ cert: tls.server.cert, key: tls.server.key }, (req, res) => {
    const pathname = new URL(req.url ?? '/', 'https://issuer').pathname;
    requests.set(pathname, (requests.get(pathname) ?? 0) + 1);
    if (mode === 'error') {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('issuer failure');
      return;
    }
    const send = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (pathname === `${path}/.well-known/openid-configuration`) send(discovery());
    else if (pathname === `${path}/keys`) send({ keys: keys.map((k) => k.publicJwk) });
    else res.writeHead(404).end();
  });
  server.on('connection', (socket: Socket) => {
    if (mode === 'unreachable') {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  url = `https://127.0.0.1:${port}${path}`;

  const pickKey = (opts: IssueOptions): IssuedKey => {
    const key = opts.kid !== undefined ? keys.find((k) => k.kid === opts.kid) : [...keys].reverse().find((k) => k.alg === (opts.alg ?? 'ES256'));
    if (!key) throw new Error(`test issuer has no key ${opts.kid ?? opts.alg}`);
    return key;
  };

  return {
    url,
    ca: tls.ca,
    caFile: tls.caFile,
    tls,
    get keys() {
      return keys;
    },
    requests,
    async issue(claims, opts = {}) {
      const key = pickKey(opts);
      const now = Math.floor(Date.now() / 1000);
      const payload: JWTPayload = { iss: url, iat: now, exp: now + (opts.expiresIn ?? 600), ...claims };
      for (const name of Object.keys(payload)) if (payload[name] === undefined) delete payload[name];
      return new SignJWT(payload).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...opts.header }).sign(key.privateKey);
    },
    async rotateKeys({ keepOld = false } = {}) {
      const fresh = await newKeys();
      keys = keepOld ? [...keys, ...fresh] : fresh;
    },
    setDiscovery(overrides) {
      discoveryOverrides = overrides;
    },
    setMode(next) {
      mode = next;
      if (next === 'unreachable') for (const socket of sockets) socket.destroy();
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownsTls) tls.cleanup();
    },
  };
}

/** Claims shaped like a GitHub Actions workflow identity token (`token.actions.githubusercontent.com`). */
export function githubActionsClaims(overrides: Record<string, unknown> = {}): JWTPayload {
  const repository = (overrides['repository'] as string | undefined) ?? 'org/app';
  const ref = (overrides['ref'] as string | undefined) ?? 'refs/heads/main';
  return {
    aud: 'gatehouse',
    sub: `repo:${repository}:ref:${ref}`,
    jti: `gha-${Math.random().toString(36).slice(2)}`,
    ref,
    ref_type: 'branch',
    sha: '4f0c1a3b6b2f5a1e9d8c7b6a5f4e3d2c1b0a9f8e',
    repository,
    repository_id: '123456789',
    repository_owner: repository.split('/')[0],
    repository_owner_id: '987654',
    repository_visibility: 'private',
    run_id: '9876543210',
    run_number: '42',
    run_attempt: '1',
    actor: 'octocat',
    actor_id: '583231',
    workflow: 'deploy',
    workflow_ref: `${repository}/.github/workflows/deploy.yml@${ref}`,
    job_workflow_ref: `${repository}/.github/workflows/deploy.yml@${ref}`,
    event_name: 'push',
    environment: 'production',
    runner_environment: 'github-hosted',
    ...overrides,
  };
}

/** Claims shaped like a GitLab CI job ID token (`id_tokens:` in .gitlab-ci.yml). */
export function gitlabCiClaims(overrides: Record<string, unknown> = {}): JWTPayload {
  const projectPath = (overrides['project_path'] as string | undefined) ?? 'group/app';
  const ref = (overrides['ref'] as string | undefined) ?? 'main';
  return {
    aud: 'gatehouse',
    sub: `project_path:${projectPath}:ref_type:branch:ref:${ref}`,
    jti: `glci-${Math.random().toString(36).slice(2)}`,
    namespace_id: '72',
    namespace_path: projectPath.split('/')[0],
    project_id: '20',
    project_path: projectPath,
    user_id: '5',
    user_login: 'jdoe',
    user_email: 'jdoe@example.com',
    pipeline_id: '574',
    pipeline_source: 'push',
    job_id: '302',
    ref,
    ref_type: 'branch',
    ref_path: `refs/heads/${ref}`,
    ref_protected: 'true',
    environment: 'production',
    environment_protected: 'true',
    deployment_tier: 'production',
    sha: '714a629c0b401fdce83e847fc9589983fc6f46bc',
    runner_id: 1,
    runner_environment: 'gitlab-hosted',
    ...overrides,
  };
}

/** Claims of a person's ID token from a corporate IdP. */
export function humanClaims(overrides: Record<string, unknown> = {}): JWTPayload {
  return {
    aud: 'gatehouse',
    sub: 'a6f3c2b1-0d9e-4f8a-b7c6-5d4e3f2a1b0c',
    email: 'jane@example.com',
    email_verified: true,
    name: 'Jane Doe',
    groups: ['developers', 'sre'],
    ...overrides,
  };
}
