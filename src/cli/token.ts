// `gatehouse token`: a kubectl exec credential plugin. Prints a client.authentication.k8s.io/v1 ExecCredential with
// a short-lived ID token from GitHub Actions, GitLab CI or a browser sign-in (see src/client/token-source.ts).
import { Option, type Command } from 'commander';
import { CredentialError, execCredential } from '../client/exec-credential.js';
import { openBrowser } from '../client/open-browser.js';
import { DEFAULT_GITLAB_TOKEN_VARIABLE } from '../client/gitlab-ci.js';
import { DEFAULT_SCOPES } from '../client/oidc-login.js';
import { TOKEN_PROVIDERS, obtainToken, type TokenProvider, type TokenSourceOptions } from '../client/token-source.js';
import { FetchError } from '../identity/https-json.js';
import { UsageError } from './errors.js';

interface TokenFlags {
  provider: TokenProvider;
  audience?: string;
  gitlabTokenVariable?: string;
  issuer?: string;
  clientId?: string;
  clientSecretFile?: string;
  scope?: string[];
  caFile?: string;
  listenPort?: number;
  loginTimeout?: number;
  cacheDir?: string;
  browser: boolean;
}

function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${name} must be an integer between ${min} and ${max}, got ${JSON.stringify(value)}`);
    return n;
  };
}

/** The token-source options, shared with `gatehouse kubeconfig` (which writes them into the exec plugin's args). */
export function addTokenOptions(command: Command): Command {
  return command
    .addOption(new Option('--provider <provider>', 'where the token comes from').choices(TOKEN_PROVIDERS).default('auto'))
    .option('--audience <audience>', 'audience of the token (GitHub Actions: required; the audience the proxy expects)')
    .option('--gitlab-token-variable <name>', `GitLab CI variable holding the job's ID token (default ${DEFAULT_GITLAB_TOKEN_VARIABLE})`)
    .option('--issuer <url>', 'OpenID Connect issuer for a browser sign-in')
    .option('--client-id <id>', 'OAuth client id registered at the issuer (a public client with PKCE)')
    .option('--client-secret-file <file>', 'file holding the client secret, for IdPs that give desktop clients one (the kubeconfig names the file, never the secret)')
    .option('--scope <scope>', `scope to request, repeatable (default ${DEFAULT_SCOPES.join(' ')})`, (v: string, all: string[] = []) => [...all, v])
    .option('--ca-file <file>', "PEM CA for the issuer's or runner endpoint's certificate (default: system roots)")
    .option('--listen-port <port>', 'loopback port for the sign-in redirect (default: any free port)', integer('--listen-port', 0, 65535))
    .option('--login-timeout <seconds>', 'how long to wait for the browser sign-in (default 300)', integer('--login-timeout', 1, 3600))
    .option('--cache-dir <dir>', 'directory of the token cache (default $XDG_CACHE_HOME/gatehouse/tokens)')
    .option('--no-browser', 'print the sign-in URL without opening a browser');
}

export function tokenOptionsFrom(flags: TokenFlags): TokenSourceOptions {
  return {
    provider: flags.provider,
    ...(flags.audience !== undefined ? { audience: flags.audience } : {}),
    ...(flags.gitlabTokenVariable !== undefined ? { gitlabTokenVariable: flags.gitlabTokenVariable } : {}),
    ...(flags.issuer !== undefined ? { issuer: flags.issuer } : {}),
    ...(flags.clientId !== undefined ? { clientId: flags.clientId } : {}),
    ...(flags.clientSecretFile !== undefined ? { clientSecretFile: flags.clientSecretFile } : {}),
    ...(flags.scope !== undefined ? { scopes: flags.scope } : {}),
    ...(flags.caFile !== undefined ? { caFile: flags.caFile } : {}),
    ...(flags.listenPort !== undefined ? { listenPort: flags.listenPort } : {}),
    ...(flags.loginTimeout !== undefined ? { loginTimeoutSeconds: flags.loginTimeout } : {}),
    ...(flags.cacheDir !== undefined ? { cacheDir: flags.cacheDir } : {}),
    ...(flags.browser === false ? { browser: false } : {}),
  };
}

export function registerToken(program: Command): void {
  addTokenOptions(
    program
      .command('token')
      .description('kubectl exec credential plugin: print an ExecCredential with a short-lived OIDC token'),
  ).action(async (flags: TokenFlags) => {
    const options = tokenOptionsFrom(flags);
    let token: string;
    try {
      token = await obtainToken(options, {
        presentUrl: (url) => {
          // stdout belongs to kubectl; the person reads stderr.
          process.stderr.write(`Sign in to continue: ${url}\n`);
          if (options.browser !== false) openBrowser(url);
        },
      });
      process.stdout.write(`${JSON.stringify(execCredential(token))}\n`);
    } catch (err) {
      if (err instanceof CredentialError || err instanceof FetchError) throw new UsageError(err.message);
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`cannot read ${(err as NodeJS.ErrnoException).path}`);
      throw err;
    }
  });
}
