// `gatehouse scan`: Kubernetes manifests on disk (or stdin) against Pod Security Standards, the built-in rules and
// any policies given, with a report in the chosen format and an exit code CI can act on.
import { dirname } from 'node:path';
import { Command, Option } from 'commander';
import { PolicyEngine } from '../policy/engine.js';
import type { Policy } from '../policy/policy.js';
import { severityRank, type PolicyResult } from '../policy/result.js';
import { createPodSecurityPolicy, parsePssSelector } from '../policy/pss/index.js';
import { builtinRuleCatalog, createBuiltinPolicy } from '../policy/builtin/policy.js';
import { EXEMPTION_RULES } from '../policy/engine.js';
import { EXEMPTIONS_POLICY } from '../policy/exemptions.js';
import { ConfigError } from '../config/config-error.js';
import { FAIL_ON_VALUES, loadScanConfiguration, type FailOn, type ScanConfiguration } from '../config/scan-configuration.js';
import { DEFAULT_FORMAT, FORMAT_NAMES, formatterFor } from '../report/formatters.js';
import { INPUT_POLICY, INPUT_RULE, scanPaths } from '../scan/scan.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError } from './errors.js';
import { openOutput, useColor } from './output.js';
import { startProgress } from './progress.js';
import { toolInfo } from './tool.js';

interface ScanFlags {
  pss: string;
  config?: string;
  policy: string[];
  format: string;
  output?: string;
  failOn: string;
  color: boolean;
}

/** The exit code as results arrive: 2 once any input was unreadable, else 1 once a failure or error at or above
 * `failOn` was seen, else 0. */
export class ExitCode {
  private inputError = false;
  private finding = false;
  private readonly threshold: number | undefined;

  constructor(failOn: FailOn) {
    this.threshold = failOn === 'none' ? undefined : severityRank(failOn);
  }

  add(results: readonly PolicyResult[]): void {
    for (const r of results) {
      if (r.policy === INPUT_POLICY && r.result === 'error') this.inputError = true;
      else if (this.threshold !== undefined && (r.result === 'fail' || r.result === 'error') && severityRank(r.severity) >= this.threshold) this.finding = true;
    }
  }

  get code(): number {
    if (this.inputError) return EXIT_USAGE;
    return this.finding ? EXIT_FINDINGS : EXIT_OK;
  }
}

function parseFailOn(value: string): FailOn {
  if (!(FAIL_ON_VALUES as readonly string[]).includes(value)) {
    throw new UsageError(`--fail-on: invalid value "${value}"; expected one of ${FAIL_ON_VALUES.join(', ')}`);
  }
  return value as FailOn;
}

/** Every rule a configuration may name: built-in rules, both PSS levels, and the exemption rules. */
function knownRules(): { policy: string; rule: { id: string } }[] {
  const pss = (['baseline', 'restricted'] as const).flatMap((level) => {
    const policy = createPodSecurityPolicy({ level, version: 'latest' });
    return policy.rules.map((rule) => ({ policy: policy.name, rule }));
  });
  return [...builtinRuleCatalog(), ...pss, ...EXEMPTION_RULES.map((rule) => ({ policy: EXEMPTIONS_POLICY, rule }))];
}

async function loadConfig(file: string | undefined): Promise<ScanConfiguration | undefined> {
  if (file === undefined) return undefined;
  try {
    return await loadScanConfiguration(file, knownRules());
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw new UsageError(`--config: ${(err as Error).message}`);
  }
}

function podSecurityPolicies(pss: string): Policy[] {
  let selector;
  try {
    selector = parsePssSelector(pss);
  } catch (err) {
    throw new UsageError(`--pss: ${(err as Error).message}`);
  }
  return selector ? [createPodSecurityPolicy(selector)] : [];
}

/** Flags the user typed win over the configuration file, which wins over the defaults. */
async function runScan(paths: string[], flags: ScanFlags, fromCommandLine: (flag: string) => boolean): Promise<number> {
  if (paths.length === 0) throw new UsageError('scan: name at least one file or directory, or - for stdin');
  const formatter = formatterFor(flags.format);
  if (!formatter) throw new UsageError(`--format: unknown format "${flags.format}"; expected one of ${FORMAT_NAMES.join(', ')}`);
  const config = await loadConfig(flags.config);
  const failOn = fromCommandLine('failOn') || !config?.failOn ? parseFailOn(flags.failOn) : config.failOn;
  const pss = fromCommandLine('pss') || !config?.pss ? flags.pss : config.pss;
  // The CEL policy engines load only when policies are given: a plain scan starts faster without them.
  const loaded = flags.policy.length > 0
    ? await (await import('../scan/scan-policies.js')).loadScanPolicies(flags.policy, paths)
    : { errors: [], policies: [], unsupported: [], requestOnly: [] };
  if (loaded.errors.length > 0) {
    throw new UsageError(`--policy: ${loaded.errors.length === 1 ? 'a problem' : `${loaded.errors.length} problems`}:\n${loaded.errors.join('\n')}`);
  }
  if (loaded.requestOnly.length > 0) {
    process.stderr.write(`gatehouse scan: skipped ${loaded.requestOnly.length} policies about who makes a request (nothing to judge in manifests): ${loaded.requestOnly.join(', ')}\n`);
  }
  const policies = [...podSecurityPolicies(pss), createBuiltinPolicy(config?.builtin ?? {}), ...loaded.policies];
  const engine = new PolicyEngine(policies, config?.ruleSettings ?? {});

  const output = openOutput(flags.output);
  const progress = startProgress('gatehouse scan');
  // A report streaming to the terminal shares the screen with the progress line: clear the line before each chunk.
  const sink = output.isTerminal ? { write: (chunk: string) => { progress.done(); output.sink.write(chunk); } } : output.sink;
  const header = { rules: [...engine.rules(), { policy: INPUT_POLICY, rule: INPUT_RULE }], tool: toolInfo(), inputs: paths };
  // Formats that hold results until the end spill them beside the report file, on the disk that will hold the report.
  const spool = flags.output !== undefined && flags.output !== '-' ? { dir: dirname(flags.output) } : {};
  const writer = formatter(header, sink, { color: useColor(output, flags.color), spool });
  const exitCode = new ExitCode(failOn);
  try {
    if (loaded.unsupported.length > 0) {
      exitCode.add(loaded.unsupported);
      writer.add(loaded.unsupported);
    }
    await scanPaths(paths, {
      engine,
      onResults: (results) => {
        exitCode.add(results);
        writer.add(results);
      },
      onProgress: (n) => progress.update(n),
    });
    progress.done();
    writer.end();
    output.commit();
  } catch (err) {
    progress.done();
    writer.abort();
    output.abort();
    throw err;
  }
  return exitCode.code;
}

export function registerScan(program: Command): void {
  program
    .command('scan')
    .description('Scan Kubernetes manifests (files, directories, or - for stdin) against Pod Security Standards and policies')
    .argument('[paths...]', 'files or directories (.yaml, .yml, .json, searched recursively), or - for stdin')
    .option('--pss <level[:version]>', 'Pod Security Standards level and version: baseline|restricted[:vX.Y|:latest], or none', 'restricted:latest')
    .option('-c, --config <file>', 'a gatehouse.dev/v1alpha1 ScanConfiguration: rules, severities, registries, required labels')
    .option('-p, --policy <path>', 'ValidatingAdmissionPolicy or Kyverno policy file or folder to evaluate as well (repeatable)', (value: string, all: string[]) => [...all, value], [])
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMAT_NAMES).default(DEFAULT_FORMAT))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a failure at or above this severity exists').choices(FAIL_ON_VALUES).default('high'))
    .option('--no-color', 'never colour the text output')
    .action(async (paths: string[], flags: ScanFlags, command: Command) => {
      process.exitCode = await runScan(paths, flags, (flag) => command.getOptionValueSource(flag) === 'cli');
    });
}
