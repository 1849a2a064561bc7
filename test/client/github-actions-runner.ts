// A local HTTPS endpoint that behaves like the GitHub Actions runner's ID token service: it requires the job's
// request token as bearer, reads `audience` from the query and answers `{ count, value }` with a workflow token
// for that audience, minted by a test OIDC issuer.
import { createServer, type Server } from 'node:https';
import { githubActionsClaims, type TestOidcIssuer } from '../support/oidc-issuer.js';

export interface TestRunner {
  /** What ACTIONS_ID_TOKEN_REQUEST_URL would hold. */
  requestUrl: string;
  requestToken: string;
  /** Audiences requested so far. */
  audiences: string[];
  env(): NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

export async function startRunner(issuer: TestOidcIssuer, claims: Record<string, unknown> = {}): Promise<TestRunner> {
  const requestToken = `runner-${Math.random().toString(36).slice(2)}`;
  const audiences: string[] = [];
  const server: Server = createServer({ cert: issuer.tls.server.cert, key: issuer.tls.server.key }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://runner');
    if (url.pathname !== '/_apis/oidc/token' || url.searchParams.get('api-version') !== '2.0') {
      res.writeHead(404).end();
      return;
    }
    if (req.headers.authorization !== `Bearer ${requestToken}`) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"unauthorized"}');
      return;
    }
    const audience = url.searchParams.get('audience') ?? 'https://github.com/example-org';
    audiences.push(audience);
    issuer
      .issue(githubActionsClaims({ repository: 'example-org/app', ...claims, aud: audience }))
      .then((value) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ count: value.length, value })));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const requestUrl = `https://127.0.0.1:${(server.address() as { port: number }).port}/_apis/oidc/token?api-version=2.0`;
  return {
    requestUrl,
    requestToken,
    audiences,
    env: () => ({ GITHUB_ACTIONS: 'true', ACTIONS_ID_TOKEN_REQUEST_URL: requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken }),
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
