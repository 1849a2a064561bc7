// `gatehouse kubeconfig`: writes a kubeconfig for the proxy whose user runs `gatehouse token` as an exec plugin.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { dump } from 'js-yaml';
import { buildKubeconfig } from '../client/kubeconfig.js';
import { JustificationPathError, justificationServerUrl } from '../proxy/justification-path.js';
import { UsageError } from './errors.js';
import { addTokenOptions, tokenOptionsFrom } from './token.js';

interface KubeconfigFlags {
  server: string;
  certificateAuthority?: string;
  name?: string;
  command?: string;
  justification?: string;
  output: string;
}

/** The proxy URL, carrying a ticket in its path when one is given (kubectl cannot send extra headers). */
function serverFor(server: string, ticket: string | undefined): string {
  if (ticket === undefined) return server;
  try {
    return justificationServerUrl(server, ticket);
  } catch (err) {
    if (err instanceof JustificationPathError) throw new UsageError(`--justification: ${err.message}`);
    throw err;
  }
}

function readPem(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`${path}: not a PEM certificate`);
  return text;
}

export function registerKubeconfig(program: Command): void {
  addTokenOptions(
    program
      .command('kubeconfig')
      .description('Write a kubeconfig that reaches the proxy with `gatehouse token` credentials')
      .requiredOption('--server <url>', "the proxy's URL (https://…)")
      .option('--certificate-authority <file>', "PEM CA of the proxy's serving certificate")
      .option('--name <name>', 'name of the cluster, user and context (default gatehouse)')
      .option('--command <path>', 'how kubectl runs gatehouse (default gatehouse)')
      .option('--justification <ticket>', 'a ticket for every request through this kubeconfig (sent in the server URL path); the context is named <name>-<ticket>')
      .option('--output <file>', 'where to write the kubeconfig; - for stdout', '-'),
  ).action((flags: KubeconfigFlags & Parameters<typeof tokenOptionsFrom>[0]) => {
    let server: URL;
    try {
      server = new URL(flags.server);
    } catch {
      throw new UsageError(`--server: not a URL: ${JSON.stringify(flags.server)}`);
    }
    if (server.protocol !== 'https:') throw new UsageError('--server: the proxy must be reached over https');
    const token = tokenOptionsFrom(flags);
    if (token.provider === 'oidc' && (!token.issuer || !token.clientId)) throw new UsageError('--provider oidc needs --issuer and --client-id');
    if (token.provider === 'github-actions' && !token.audience) throw new UsageError('--provider github-actions needs --audience');
    // js-yaml quotes every string kubectl's YAML 1.1 reader would take for something else (`on`, `y`, `0755`), so
    // any name, audience or client ID reads back as written; no folding, and no aliases for kubectl to resolve.
    const name = flags.name ?? 'gatehouse';
    const kubeconfig = buildKubeconfig({
      server: serverFor(flags.server, flags.justification),
      ...(flags.certificateAuthority ? { certificateAuthority: readPem(flags.certificateAuthority) } : {}),
      ...(flags.name || flags.justification ? { name: flags.justification ? `${name}-${flags.justification}` : name } : {}),
      ...(flags.command ? { command: flags.command } : {}),
      token,
    });
    const text = dump(kubeconfig, { lineWidth: -1, noRefs: true });
    if (flags.output === '-') process.stdout.write(text);
    else writeFileSync(flags.output, text, { mode: 0o600 });
  });
}
