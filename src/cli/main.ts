#!/usr/bin/env node
// Entry point of the `gatehouse` CLI: one module per command registers itself on the program.
import { Command, CommanderError } from 'commander';
import { EXIT_USAGE, UsageError } from './errors.js';
import { registerScan } from './scan.js';
import { registerToken } from './token.js';
import { registerKubeconfig } from './kubeconfig.js';
import { registerTest } from './test.js';
import { registerProxy } from './proxy.js';
import { registerAdmission } from './admission.js';
import { registerAudit } from './audit.js';
import { toolInfo } from './tool.js';

export function buildProgram(): Command {
  const program = new Command('gatehouse')
    .description('Zero-trust identity and policy for Kubernetes')
    .version(toolInfo().version)
    .showHelpAfterError()
    // A subcommand's options may share names with its parent's (`admission manifests --policies`); commander passes
    // them on only when every command above parses options positionally. The program has only --help and --version.
    .enablePositionalOptions()
    .exitOverride();
  registerScan(program);
  registerAdmission(program);
  registerAudit(program);
  registerToken(program);
  registerKubeconfig(program);
  registerTest(program);
  registerProxy(program);
  return program;
}

async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
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
