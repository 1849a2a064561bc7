// GitHub Actions workflow identity: a job with `permissions: id-token: write` gets ACTIONS_ID_TOKEN_REQUEST_URL and
// ACTIONS_ID_TOKEN_REQUEST_TOKEN; a GET on the URL with `&audience=<aud>` and the request token as bearer returns
// `{ "value": "<JWT>" }`, an ID token for that audience.
import { fetchJson } from '../identity/https-json.js';
import { CredentialError } from './exec-credential.js';

export interface GitHubActionsTokenOptions {
  audience: string;
  env?: NodeJS.ProcessEnv;
  /** Extra CA (PEM) for the runner's endpoint; the system roots otherwise. */
  ca?: string;
}

export function inGitHubActions(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env['ACTIONS_ID_TOKEN_REQUEST_URL']);
}

export async function requestGitHubActionsToken({ audience, env = process.env, ca }: GitHubActionsTokenOptions): Promise<string> {
  const url = env['ACTIONS_ID_TOKEN_REQUEST_URL'];
  const requestToken = env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'];
  if (!url || !requestToken) {
    throw new CredentialError('ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set; give the job `permissions: id-token: write`');
  }
  const target = new URL(url);
  target.searchParams.set('audience', audience);
  let answer: unknown;
  try {
    answer = await fetchJson(target.toString(), { headers: { authorization: `Bearer ${requestToken}` }, ...(ca ? { ca } : {}) });
  } catch (err) {
    // The request URL carries no secret, but keep the message to the host and status.
    throw new CredentialError(`requesting the GitHub Actions ID token failed: ${(err as Error).message.replace(url, target.origin)}`);
  }
  const value = (answer as { value?: unknown } | null)?.value;
  if (typeof value !== 'string' || value === '') throw new CredentialError('the GitHub Actions token endpoint returned no token');
  return value;
}
