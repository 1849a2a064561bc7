import type { Command } from 'commander';

export function registerScan(program: Command): void {
  program.command('scan').description('Scan Kubernetes manifests against policies').argument('[paths...]').action(() => {});
}
