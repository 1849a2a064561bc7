// Runs the CEL specification's conformance tests (shipped by @bufbuild/cel-spec) against Gatehouse's CEL
// environment and prints pass/fail per section. Exits 1 when the pass rate is below the threshold.
//
//   node --import tsx scripts/cel-conformance.ts [--threshold PERCENT] [--engine gatehouse|cel-js|bufbuild] [--json] [--failures]
//
// Tests that need protobuf messages (TestAllTypes, wrappers, enums, Any, containers) are skipped with that
// reason: Kubernetes CEL has no protobuf message types; so are the sections of extensions Kubernetes does not
// enable (NOT_IN_KUBERNETES). Everything else counts towards the pass rate.
import { Environment } from '@marcbachmann/cel-js';
import { Duration, UnsignedInt } from '@marcbachmann/cel-js/evaluator';
import { getConformanceSuite, type IncrementalTest, type IncrementalTestSuite } from '@bufbuild/cel-spec/testdata/tests.js';
import { CelEnvironment } from '../src/cel/index.js';

/** The pass rate Gatehouse achieves; CI fails below it (see docs/cel.md). */
const DEFAULT_THRESHOLD = 90;

interface ProtoValue {
  kind: { case?: string; value?: unknown };
}

class Skip extends Error {}

type Engine = (expr: string, bindings: Record<string, unknown>, names: string[]) => unknown;

const engines: Record<string, () => Engine> = {
  gatehouse: () => (expr, bindings, names) => {
    const env = new CelEnvironment({ variables: Object.fromEntries(names.map((n) => [n, 'dyn'])) });
    return env.compile(expr).evaluate(bindings, { raw: true, celActivation: true });
  },
  'cel-js': () => {
    const base = new Environment({ enableOptionalTypes: true, homogeneousAggregateLiterals: false });
    return (expr, bindings, names) => {
      const env = base.clone();
      for (const n of names) env.registerVariable(n, 'dyn');
      return env.evaluate(expr, bindings);
    };
  },
};

async function bufbuildEngine(): Promise<Engine> {
  const cel = await import('@bufbuild/cel');
  const { strings } = await import('@bufbuild/cel/ext');
  const normalize = (v: unknown): unknown => {
    if (cel.isCelList(v)) return Array.from(v as Iterable<unknown>, normalize);
    if (cel.isCelMap(v)) return new Map(Array.from((v as unknown as Map<unknown, unknown>).entries(), ([k, x]) => [normalize(k), normalize(x)]));
    if (cel.isCelUint(v)) return new UnsignedInt((v as { value: bigint }).value);
    if (cel.isCelType(v)) return { typeName: (v as { name: string }).name };
    if (typeof v === 'object' && v !== null && '$typeName' in v) {
      const m = v as { $typeName: string; seconds?: bigint; nanos?: number };
      if (m.$typeName === 'google.protobuf.Timestamp') return new Date(Number(m.seconds) * 1000 + Math.floor((m.nanos ?? 0) / 1e6));
      if (m.$typeName === 'google.protobuf.Duration') return new Duration(m.seconds ?? 0n, m.nanos ?? 0);
      throw new Skip('protobuf message result');
    }
    return v;
  };
  const toInput = (v: unknown): unknown => {
    if (v instanceof UnsignedInt) return cel.celUint(v.valueOf());
    if (Array.isArray(v)) return v.map(toInput);
    if (v instanceof Map) return new Map(Array.from(v, ([k, x]) => [toInput(k), toInput(x)]));
    return v;
  };
  return (expr, bindings) => {
    const input = Object.fromEntries(Object.entries(bindings).map(([k, v]) => [k, toInput(v)]));
    const result = cel.run(expr, input as never, { funcs: strings });
    if (cel.isCelError(result)) throw new Error(String((result as { message?: string }).message ?? 'error'));
    return normalize(result);
  };
}

function fromProtoValue(v: ProtoValue | undefined): unknown {
  const kind = v?.kind;
  switch (kind?.case) {
    case 'nullValue':
      return null;
    case 'boolValue':
    case 'stringValue':
    case 'doubleValue':
    case 'int64Value':
    case 'bytesValue':
      return kind.value;
    case 'uint64Value':
      return new UnsignedInt(kind.value as bigint);
    case 'listValue':
      return ((kind.value as { values: ProtoValue[] }).values ?? []).map(fromProtoValue);
    case 'mapValue': {
      const out = new Map<unknown, unknown>();
      for (const e of (kind.value as { entries: { key: ProtoValue; value: ProtoValue }[] }).entries) {
        out.set(fromProtoValue(e.key), fromProtoValue(e.value));
      }
      return out;
    }
    case 'typeValue':
      return { typeName: kind.value };
    case 'objectValue':
      return fromAny(kind.value as { typeUrl: string; value: Uint8Array });
    default:
      throw new Skip(`expected value of kind ${kind?.case ?? 'unset'}`);
  }
}

/** google.protobuf.Timestamp and Duration in an Any; other messages are protobuf-only. */
function fromAny(any: { typeUrl: string; value: Uint8Array }): unknown {
  const type = any.typeUrl.split('/').pop();
  if (type !== 'google.protobuf.Timestamp' && type !== 'google.protobuf.Duration') throw new Skip(`protobuf message ${type}`);
  let seconds = 0n;
  let nanos = 0;
  const bytes = any.value;
  for (let i = 0; i < bytes.length; ) {
    const tag = bytes[i++]!;
    let n = 0n;
    let shift = 0n;
    for (;;) {
      const b = bytes[i++]!;
      n |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if (b < 0x80) break;
    }
    const signed = BigInt.asIntN(64, n);
    if (tag >> 3 === 1) seconds = signed;
    else nanos = Number(signed);
  }
  return type === 'google.protobuf.Timestamp' ? new Date(Number(seconds) * 1000 + Math.floor(nanos / 1e6)) : new Duration(seconds, nanos);
}

function sameValue(actual: unknown, expected: unknown): boolean {
  if (expected !== null && typeof expected === 'object' && 'typeName' in expected) {
    const name = (expected as { typeName: string }).typeName;
    const got = actual !== null && typeof actual === 'object' ? ((actual as { name?: string; typeName?: string }).name ?? (actual as { typeName?: string }).typeName) : undefined;
    return got === name || String(actual) === name || String(actual) === `Type<${name}>`;
  }
  if (typeof expected === 'number') return typeof actual === 'number' && (Object.is(actual, expected) || actual === expected || (Number.isNaN(actual) && Number.isNaN(expected)));
  if (expected instanceof UnsignedInt) return actual instanceof UnsignedInt && actual.valueOf() === expected.valueOf();
  if (expected instanceof Uint8Array) return actual instanceof Uint8Array && Buffer.compare(Buffer.from(actual), Buffer.from(expected)) === 0;
  if (expected instanceof Date) return actual instanceof Date && actual.getTime() === expected.getTime();
  if (expected instanceof Duration) return actual instanceof Duration && actual.seconds === expected.seconds && actual.nanos === expected.nanos;
  if (Array.isArray(expected)) return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => sameValue(actual[i], e));
  if (expected instanceof Map) {
    const entries: [unknown, unknown][] = actual instanceof Map ? [...actual] : actual && typeof actual === 'object' ? Object.entries(actual) : [];
    if (entries.length !== expected.size || !(actual instanceof Map || (actual && typeof actual === 'object'))) return false;
    return [...expected].every(([k, v]) => entries.some(([k2, v2]) => keyEquals(k2, k) && sameValue(v2, v)));
  }
  return actual === expected;
}

/** Maps held as JS objects have string keys; compare keys by their printed form then. */
function keyEquals(actual: unknown, expected: unknown): boolean {
  if (typeof actual === 'string' && typeof expected !== 'string') return actual === String(expected instanceof UnsignedInt ? expected.valueOf() : expected);
  return sameValue(actual, expected);
}

/** cel-go extensions Kubernetes does not enable (its environment: k8s.io/apiserver/pkg/cel/environment/base.go). */
const NOT_IN_KUBERNETES: Record<string, string> = {
  math_ext: 'ext.Math is not in the Kubernetes CEL environment',
  encoders_ext: 'ext.Encoders is not in the Kubernetes CEL environment',
  block_ext: 'cel.@block is an optimizer-internal form, not written by users',
};

const PROTO_MARKERS = /TestAllTypes|NestedTestAllTypes|google\.protobuf|proto2|proto3|\.Value\{|Any\{|GlobalEnum|TestRequired|cel\.expr\./;

interface Outcome {
  status: 'pass' | 'fail' | 'skip';
  detail?: string;
  reason?: string;
}

function runTest(engine: Engine, test: IncrementalTest): Outcome {
  const t = test.original;
  try {
    if (t.checkOnly) throw new Skip('type-check only');
    if (t.container) throw new Skip('protobuf container');
    if (PROTO_MARKERS.test(t.expr)) throw new Skip('protobuf message types');
    if (t.typeEnv.some((d) => d.declKind.case === 'function')) throw new Skip('declares custom functions');
    const names = new Set<string>(t.typeEnv.filter((d) => d.declKind.case === 'ident').map((d) => d.name));
    const bindings: Record<string, unknown> = {};
    for (const [name, ev] of Object.entries(t.bindings)) {
      if (ev.kind.case !== 'value') throw new Skip('unknown/error bindings');
      bindings[name] = fromProtoValue(ev.kind.value as ProtoValue);
      names.add(name);
    }
    const matcher = t.resultMatcher;
    let expected: unknown = true;
    let expectError = false;
    if (matcher.case === 'value') expected = fromProtoValue(matcher.value as ProtoValue);
    else if (matcher.case === 'typedResult') expected = fromProtoValue(matcher.value.result as ProtoValue);
    else if (matcher.case === 'evalError') expectError = true;
    else if (matcher.case !== undefined) throw new Skip(`result matcher ${matcher.case}`);
    let actual: unknown;
    try {
      actual = engine(t.expr, bindings, [...names]);
    } catch (error) {
      if (error instanceof Skip) throw error;
      return expectError ? { status: 'pass' } : { status: 'fail', detail: `error: ${String((error as Error).message).split('\n')[0]}` };
    }
    if (expectError) return { status: 'fail', detail: `expected an error, got ${show(actual)}` };
    return sameValue(actual, expected) ? { status: 'pass' } : { status: 'fail', detail: `got ${show(actual)}, want ${show(expected)}` };
  } catch (error) {
    if (error instanceof Skip) return { status: 'skip', reason: error.message };
    return { status: 'fail', detail: `harness: ${String(error)}` };
  }
}

function show(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x instanceof Map ? Object.fromEntries(x) : x)) ?? String(v);
  } catch {
    return String(v);
  }
}

interface SectionResult {
  section: string;
  passed: number;
  failed: number;
  skipped: number;
  skipReasons: Record<string, number>;
  failures: { name: string; expr: string; detail: string }[];
}

function collect(suite: IncrementalTestSuite, into: IncrementalTest[]): IncrementalTest[] {
  into.push(...suite.tests);
  for (const s of suite.suites) collect(s, into);
  return into;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const threshold = Number(option('--threshold') ?? DEFAULT_THRESHOLD);
  const engineName = option('--engine') ?? 'gatehouse';
  if (!Number.isFinite(threshold) || threshold < 0 || threshold > 100) throw new Error('--threshold must be a percentage');
  const engine = engineName === 'bufbuild' ? await bufbuildEngine() : engines[engineName]?.();
  if (!engine) throw new Error(`unknown engine ${engineName}; use gatehouse, cel-js or bufbuild`);

  const results: SectionResult[] = [];
  for (const section of getConformanceSuite().suites) {
    const r: SectionResult = { section: section.name, passed: 0, failed: 0, skipped: 0, skipReasons: {}, failures: [] };
    for (const test of collect(section, [])) {
      const excluded = NOT_IN_KUBERNETES[section.name];
      const outcome: Outcome = excluded ? { status: 'skip', reason: excluded } : runTest(engine, test);
      if (outcome.status === 'pass') r.passed++;
      else if (outcome.status === 'fail') {
        r.failed++;
        r.failures.push({ name: test.name, expr: test.original.expr, detail: outcome.detail ?? '' });
      } else {
        r.skipped++;
        const why = outcome.reason ?? 'unspecified';
        r.skipReasons[why] = (r.skipReasons[why] ?? 0) + 1;
      }
    }
    results.push(r);
  }
  const passed = results.reduce((n, r) => n + r.passed, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  const skipped = results.reduce((n, r) => n + r.skipped, 0);
  const rate = (100 * passed) / Math.max(1, passed + failed);

  if (args.includes('--json')) {
    console.log(JSON.stringify({ engine: engineName, passed, failed, skipped, rate, threshold, sections: results }, null, 2));
  } else {
    console.log(`CEL conformance (${engineName}): section, passed, failed, skipped`);
    for (const r of results) {
      const reasons = Object.entries(r.skipReasons).map(([why, n]) => `${n} ${why}`).join('; ');
      console.log(`  ${r.section.padEnd(18)} ${String(r.passed).padStart(5)} ${String(r.failed).padStart(5)} ${String(r.skipped).padStart(5)}${reasons ? `  skipped: ${reasons}` : ''}`);
      if (args.includes('--failures')) for (const f of r.failures) console.log(`      ✗ ${f.name}: ${f.expr}  — ${f.detail}`);
    }
    console.log(`total: ${passed} passed, ${failed} failed, ${skipped} skipped; pass rate ${rate.toFixed(1)}% (threshold ${threshold}%)`);
  }
  if (rate < threshold) process.exitCode = 1;
}

await main();
