// Where `gatehouse token` gets its ID token: the GitHub Actions runner, the GitLab CI job environment, or a
// person's browser sign-in. `auto` picks the CI system it runs in, else the browser when an issuer is given.
import { readFileSync } from 'node:fs';
import { CredentialError } from './exec-credential.js';
import { DEFAULT_GITLAB_TOKEN_VARIABLE, inGitLabCi, readGitLabCiToken } from './gitlab-ci.js';
import { inGitHubActions, requestGitHubActionsToken } from './github-actions.js';
import { obtainOidcToken } from './oidc-login.js';
import { TokenCacheFile, defaultCacheDir } from './token-cache.js';

export const TOKEN_PROVIDERS = ['auto', 'github-actions', 'gitlab-ci', 'oidc'] as const;
export type TokenProvider = (typeof TOKEN_PROVIDERS)[number];

export interface TokenSourceOptions {
  provider: TokenProvider;
  audience?: string;
  gitlabTokenVariable?: string;
  issuer?: string;
  clientId?: string;
  /** File holding the OAuth client secret, for IdPs that give desktop clients one; read each time it is needed. */
  clientSecretFile?: string;
  scopes?: string[];
  /** PEM file of the CA that signs the IdP's or the runner endpoint's certificate (instead of the system roots). */
  caFile?: string;
  listenPort?: number;
  loginTimeoutSeconds?: number;
  cacheDir?: string;
  browser?: boolean;
}

export function resolveProvider(options: TokenSourceOptions, env: NodeJS.ProcessEnv = process.env): Exclude<TokenProvider, 'auto'> {
  if (options.provider !== 'auto') return options.provider;
  if (inGitHubActions(env)) return 'github-actions';
  if (inGitLabCi(env)) return 'gitlab-ci';
  if (options.issuer) return 'oidc';
  throw new CredentialError('cannot tell where to get a token: not in GitHub Actions or GitLab CI, and no --issuer given');
}

export async function obtainToken(
  options: TokenSourceOptions,
  io: { env?: NodeJS.ProcessEnv; presentUrl: (url: string) => void | Promise<void> },
): Promise<string> {
  const env = io.env ?? process.env;
  const ca = options.caFile ? readFileSync(options.caFile, 'utf8') : undefined;
  switch (resolveProvider(options, env)) {
    case 'github-actions':
      if (!options.audience) throw new CredentialError('--audience is required for GitHub Actions (the audience the proxy expects)');
      return requestGitHubActionsToken({ audience: options.audience, env, ...(ca ? { ca } : {}) });
    case 'gitlab-ci':
      return readGitLabCiToken(options.gitlabTokenVariable ?? DEFAULT_GITLAB_TOKEN_VARIABLE, env);
    case 'oidc': {
      if (!options.issuer || !options.clientId) throw new CredentialError('--issuer and --client-id are required for a browser sign-in');
      const key = { issuer: options.issuer, clientId: options.clientId, ...(options.audience ? { audience: options.audience } : {}) };
      return obtainOidcToken({
        ...key,
        ...(options.clientSecretFile !== undefined ? { clientSecret: readClientSecret(options.clientSecretFile) } : {}),
        ...(options.scopes ? { scopes: options.scopes } : {}),
        ...(ca ? { ca } : {}),
        ...(options.listenPort !== undefined ? { listenPort: options.listenPort } : {}),
        ...(options.loginTimeoutSeconds !== undefined ? { timeoutMs: options.loginTimeoutSeconds * 1000 } : {}),
        cache: new TokenCacheFile(options.cacheDir ?? defaultCacheDir(env), key),
        presentUrl: io.presentUrl,
      });
    }
  }
}

function readClientSecret(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CredentialError(`--client-secret-file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const secret = text.replace(/\r?\n$/, '');
  if (secret === '' || /[\r\n]/.test(secret)) throw new CredentialError(`--client-secret-file ${file}: expected the secret on one line`);
  return secret;
}

/** The `gatehouse token` arguments that reproduce these options (for a kubeconfig's exec plugin). */
export function tokenArguments(options: TokenSourceOptions): string[] {
  const args = ['token', '--provider', options.provider];
  const add = (flag: string, value: string | number | undefined) => {
    if (value !== undefined) args.push(flag, String(value));
  };
  add('--audience', options.audience);
  add('--gitlab-token-variable', options.gitlabTokenVariable);
  add('--issuer', options.issuer);
  add('--client-id', options.clientId);
  add('--client-secret-file', options.clientSecretFile);
  for (const scope of options.scopes ?? []) add('--scope', scope);
  add('--ca-file', options.caFile);
  add('--listen-port', options.listenPort);
  add('--login-timeout', options.loginTimeoutSeconds);
  add('--cache-dir', options.cacheDir);
  if (options.browser === false) args.push('--no-browser');
  return args;
}
