// Runs the built CLI (dist/, built by `npm test` before the tests) in a child process, as a user or kubectl (for an
// exec plugin) would, and captures what it prints.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  stdin?: string;
  cwd?: string;
  /** Added to the environment; with `cleanEnv`, the whole environment besides PATH and HOME (as kubectl runs plugins). */
  env?: NodeJS.ProcessEnv;
  cleanEnv?: boolean;
  /** Sees stderr as it arrives (e.g. the sign-in URL a person would open). */
  onStderr?: (stderrSoFar: string) => void;
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const base = options.cleanEnv ? { PATH: process.env.PATH, HOME: process.env.HOME } : { ...process.env, NO_COLOR: '1' };
  return runProcess(process.execPath, [CLI, ...args], { ...options, env: { ...base, ...options.env } });
}

/** Any program (kubectl, the CLI), without blocking this process, which may be serving what the program calls. */
export function runProcess(command: string, args: string[], options: Omit<CliOptions, 'cleanEnv'> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? REPO_ROOT, env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      options.onStderr?.(stderr);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}
