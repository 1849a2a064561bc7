#!/usr/bin/env node
// Entry point of the `gatehouse` CLI: one module per command registers itself on the program.
import { Command, CommanderError } from 'commander';
import { EXIT_USAGE, UsageError } from './errors.js';
import { toolInfo } from './tool.js';

type Register = (program: Command) => void;

/**
 * The commands, loaded on demand: `gatehouse scan` should not pay for loading the proxy, the webhook and their
 * libraries. Only the command named on the command line is loaded; help and unknown commands load them all.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  scan: async () => (await import('./scan.js')).registerScan,
  test: async () => (await import('./test.js')).registerTest,
  admission: async () => (await import('./admission.js')).registerAdmission,
  audit: async () => (await import('./audit.js')).registerAudit,
  proxy: async () => (await import('./proxy.js')).registerProxy,
  token: async () => (await import('./token.js')).registerToken,
  kubeconfig: async () => (await import('./kubeconfig.js')).registerKubeconfig,
};

export async function buildProgram(argv: readonly string[] = process.argv): Promise<Command> {
  const program = new Command('gatehouse')
    .description('Zero-trust identity and policy for Kubernetes')
    .version(toolInfo().version)
    .showHelpAfterError()
    // A subcommand's options may share names with its parent's (`admission manifests --policies`); commander passes
    // them on only when every command above parses options positionally. The program has only --help and --version.
    .enablePositionalOptions()
    .exitOverride();
  const named = argv[2];
  const wanted = named !== undefined && Object.hasOwn(COMMANDS, named) ? [named] : Object.keys(COMMANDS);
  for (const register of await Promise.all(wanted.map((name) => COMMANDS[name]!()))) register(program);
  return program;
}

async function main(argv: string[]): Promise<void> {
  try {
    await (await buildProgram(argv)).parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : EXIT_USAGE;
      return;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`gatehouse: ${err.message}\n`);
      process.exitCode = EXIT_USAGE;
      return;
    }
    process.stderr.write(`gatehouse: internal error: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = EXIT_USAGE;
  }
}

await main(process.argv);
