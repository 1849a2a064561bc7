// A kubeconfig whose user is the `gatehouse token` exec plugin: kubectl talks to the proxy (server + CA) and asks
// the plugin for a fresh short-lived token whenever the previous one expires. It holds no secret.
import { tokenArguments, type TokenSourceOptions } from './token-source.js';

export interface KubeconfigOptions {
  /** The proxy's URL. */
  server: string;
  /** PEM of the CA that signed the proxy's certificate; the system roots when absent. */
  certificateAuthority?: string;
  name?: string;
  /** How kubectl runs Gatehouse (default `gatehouse`). */
  command?: string;
  token: TokenSourceOptions;
}

export function buildKubeconfig(options: KubeconfigOptions): Record<string, unknown> {
  const name = options.name ?? 'gatehouse';
  const interactive = options.token.provider === 'oidc' || (options.token.provider === 'auto' && options.token.issuer !== undefined);
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name,
        cluster: {
          server: options.server,
          ...(options.certificateAuthority ? { 'certificate-authority-data': Buffer.from(options.certificateAuthority).toString('base64') } : {}),
        },
      },
    ],
    users: [
      {
        name,
        user: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1',
            command: options.command ?? 'gatehouse',
            args: tokenArguments(options.token),
            // A browser sign-in needs a person; CI providers never do.
            interactiveMode: interactive ? 'IfAvailable' : 'Never',
            provideClusterInfo: false,
            installHint: 'gatehouse is required to authenticate; install it with `npm install -g gatehouse`',
          },
        },
      },
    ],
    contexts: [{ name, context: { cluster: name, user: name } }],
    'current-context': name,
  };
}
