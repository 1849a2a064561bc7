// The Gatehouse CEL environment: declarations + libraries → compiled programs with a cost budget.
// The contract is documented in index.ts.
import { Environment, EvaluationError, ParseError, TypeError as CelTypeError } from '@marcbachmann/cel-js';
import { CostMeter, DEFAULT_COST_LIMIT, METER_KEY } from './cost.js';
import { CelCompileError, CelCostLimitError, CelEvaluationError, positionOf } from './errors.js';
import { serialize } from '@marcbachmann/cel-js/serialize';
import { ReadAnalysis } from './reads/analysis.js';
import type { ObjectReads } from './reads/read-tree.js';
import { CostExceeded, enterMeter, instrumentCost, leaveMeter, renameCalls, selectsField, usesAny, variablesOf } from './instrument.js';
import { attachCompiled, INTERPRET, type DirectRun, type EvaluatorRef } from './compiled/attach.js';
import { applyLibrary, namesOf, type CelLibrary } from './library.js';
import { passNonOptionalReceivers } from './optional-receivers.js';
import { allowAnyHasReceiver } from './presence.js';
import { KUBERNETES_LIBRARIES } from './library/kubernetes.js';
import { fromCelValue, toCelValue } from './values.js';

/** A CEL type as the evaluator spells it: int, uint, double, bool, string, bytes, list<T>, map<K, V>, dyn, … */
export type CelTypeName = string;

/** Compile-time bounds on an expression. */
export interface CelCompileLimits {
  /** Characters in the expression. */
  maxLength: number;
  /** Nesting of calls, selections, indexes and literals. */
  maxDepth: number;
  /** AST nodes, including macro expansions. */
  maxNodes: number;
}

export const DEFAULT_COMPILE_LIMITS: CelCompileLimits = { maxLength: 100_000, maxDepth: 64, maxNodes: 20_000 };

export interface CelEnvironmentOptions {
  /** Variables an expression may reference, with their CEL types. Values are converted by toCelValue. */
  variables?: Record<string, CelTypeName>;
  /** Extra libraries (functions, types, constants) on top of the Kubernetes libraries. */
  libraries?: readonly CelLibrary[];
  /** Default runtime cost budget of each evaluation (DEFAULT_COST_LIMIT unless set). */
  costLimit?: number;
  limits?: Partial<CelCompileLimits>;
  /**
   * Evaluate through JavaScript compiled from the checked expression, falling back to the interpreter for anything
   * but the plain case (compiled/). Default true; false interprets every expression (to cross-check the two).
   */
  compiled?: boolean;
  /**
   * Where to record what the expressions read of `object` and `oldObject` (reads/analysis.ts), so that converting
   * those objects can leave out what no expression reads.
   */
  objectReads?: ObjectReads;
}

export interface CelCompileOptions {
  /** The expression is the variable of this name: what it reads of the objects is read by the expressions using it. */
  variable?: string;
}

export interface CelEvaluateOptions {
  /** Budget for this evaluation; overrides the environment's costLimit. */
  costLimit?: number;
  /** Share a meter between evaluations (lazily evaluated variables charge the expression that uses them). */
  meter?: CostMeter;
  /** Leave the result as a CEL value (BigInt ints, Optional, Map…) instead of converting it with fromCelValue. */
  raw?: boolean;
  /** The activation already holds CEL values (BigInt ints, JS numbers as doubles): skip toCelValue. */
  celActivation?: boolean;
}

export interface CelProgram {
  readonly expression: string;
  /** The checked result type, e.g. 'bool', 'string', 'list<string>', 'dyn'. */
  readonly resultType: string;
  /**
   * The expression in canonical form (layout, parentheses and quotes normalised): two programs with the same key,
   * compiled with the same declarations and libraries, compute the same value from the same activation.
   */
  readonly key: string;
  /** The declared variables the expression reads (none: it has one value, computed once and reused). */
  readonly variables: ReadonlySet<string>;
  /** True when evaluations run through JavaScript compiled from the expression (compiled/), not the interpreter alone. */
  readonly compiled?: boolean;
  /**
   * Evaluates against an activation of JSON-like values (converted by toCelValue, cached per object).
   * Returns a JSON-like value (fromCelValue) — or a Promise of one when a library function is async.
   * Throws CelEvaluationError (CelCostLimitError when over budget).
   */
  evaluate(activation?: Record<string, unknown>, options?: CelEvaluateOptions): unknown;
  /** Whether the expression selects `operand.field` or `operand.?field` anywhere (instrument.ts, selectsField). */
  selectsField(operand: string, field: string): boolean;
}

let kubernetesBase: Environment | undefined;

function baseEnvironment(): Environment {
  if (!kubernetesBase) {
    const env = new Environment({
      unlistedVariablesAreDyn: false,
      homogeneousAggregateLiterals: false,
      enableOptionalTypes: true,
      limits: { maxDepth: DEFAULT_COMPILE_LIMITS.maxDepth, maxAstNodes: DEFAULT_COMPILE_LIMITS.maxNodes },
    });
    for (const library of KUBERNETES_LIBRARIES) applyLibrary(env, library);
    kubernetesBase = env;
  }
  return kubernetesBase;
}

export class CelEnvironment {
  readonly #env: Environment;
  readonly #renames: Map<string, string>;
  readonly #costLimit: number;
  readonly #compiled: boolean;
  /** The evaluator of this environment, for compiled programs to run without the interpreter's entry. */
  readonly #evaluator: EvaluatorRef = {};
  readonly #limits: CelCompileLimits;
  readonly #reads: ReadAnalysis | undefined;
  readonly #declared: ReadonlySet<string>;
  /** Constants and functions of volatile libraries. */
  readonly #volatile: ReadonlySet<string>;

  constructor(options: CelEnvironmentOptions = {}) {
    this.#limits = { ...DEFAULT_COMPILE_LIMITS, ...options.limits };
    this.#env = baseEnvironment().clone({
      limits: { maxDepth: this.#limits.maxDepth, maxAstNodes: this.#limits.maxNodes },
    });
    this.#renames = new Map();
    for (const library of KUBERNETES_LIBRARIES) for (const [from, to] of library.renames ?? []) this.#renames.set(from, to);
    const volatile = new Set<string>();
    for (const library of options.libraries ?? []) {
      applyLibrary(this.#env, library);
      for (const [from, to] of library.renames ?? []) this.#renames.set(from, to);
      if (library.volatile) for (const name of namesOf(library)) volatile.add(name);
    }
    this.#volatile = volatile;
    for (const [name, type] of Object.entries(options.variables ?? {})) this.#env.registerVariable(name, type);
    this.#declared = new Set(Object.keys(options.variables ?? {}));
    this.#costLimit = options.costLimit ?? DEFAULT_COST_LIMIT;
    this.#compiled = options.compiled ?? true;
    this.#reads = options.objectReads && new ReadAnalysis(options.objectReads);
  }

  compile(expression: string, options: CelCompileOptions = {}): CelProgram {
    if (typeof expression !== 'string') throw new CelCompileError('expression must be a string', '');
    if (expression.length > this.#limits.maxLength) {
      throw new CelCompileError(`expression is ${expression.length} characters long; the limit is ${this.#limits.maxLength}`, expression);
    }
    let parsed: ReturnType<Environment['parse']>;
    try {
      parsed = this.#env.parse(expression);
    } catch (error) {
      throw compileError(error, expression);
    }
    const key = serialize(parsed.ast as never);
    renameCalls(parsed.ast, this.#renames);
    allowAnyHasReceiver(parsed.ast);
    const checked = parsed.check();
    if (!checked.valid) throw compileError(checked.error, expression);
    passNonOptionalReceivers(parsed.ast);
    this.#reads?.record(parsed.ast as never, options.variable);
    const argumentNodes = instrumentCost(parsed.ast);
    const direct = this.#compiled ? attachCompiled(parsed.ast as never, argumentNodes, this.#evaluator) : undefined;
    const variables = variablesOf(parsed.ast, this.#declared);
    const once = variables.size === 0 && !usesAny(parsed.ast, this.#volatile);
    return new Program(expression, checked.type ?? 'dyn', key, variables, once, direct, parsed, this.#costLimit, this.#renames);
  }
}

/** Compiles one expression in a fresh environment; prefer one CelEnvironment per policy for many expressions. */
export function compileExpression(expression: string, options: CelEnvironmentOptions = {}): CelProgram {
  return new CelEnvironment(options).compile(expression);
}

/**
 * Binds the meter of one evaluation to an activation of CEL values, shared by every program evaluated with it:
 * programs use it as it is, without copying or converting it (options.meter and costLimit do not apply). Use a
 * fresh object per evaluation; its values may be getters, read only when an expression reads the variable.
 */
export function bindActivation<T extends object>(context: T, meter: CostMeter): T {
  (context as Record<string, unknown>)[METER_KEY] = meter;
  return context;
}

const NO_ACTIVATION: Record<string, unknown> = Object.freeze({});
const NO_OPTIONS: CelEvaluateOptions = Object.freeze({});

/** The outcome of an expression that references no variable, kept with the cost it was charged. */
type ConstantOutcome = { value: unknown; cost: number } | { error: Error; cost: number };

class Program implements CelProgram {
  /** Set once an expression without variables has been evaluated: later evaluations reuse it and pay its cost. */
  #constant?: ConstantOutcome;

  constructor(
    readonly expression: string,
    readonly resultType: string,
    readonly key: string,
    readonly variables: ReadonlySet<string>,
    /** The expression reads no variable and no volatile function: it has one value. */
    private readonly isConstant: boolean,
    /** The compiled form, run directly on the activation (compiled/attach.ts), when the expression compiled. */
    private readonly direct: DirectRun | undefined,
    private readonly parsed: (context?: Record<string, unknown>) => unknown,
    private readonly costLimit: number,
    private readonly renames: ReadonlyMap<string, string>,
  ) {}

  get compiled(): boolean {
    return this.direct !== undefined;
  }

  selectsField(operand: string, field: string): boolean {
    return selectsField((this.parsed as unknown as { ast: unknown }).ast, operand, field);
  }

  evaluate(activation: Record<string, unknown> = NO_ACTIVATION, options: CelEvaluateOptions = NO_OPTIONS): unknown {
    const bound = activation[METER_KEY];
    let meter: CostMeter;
    let context: Record<string, unknown>;
    if (bound instanceof CostMeter) {
      meter = bound;
      context = activation;
    } else {
      meter = options.meter ?? new CostMeter(options.costLimit ?? this.costLimit);
      context = { [METER_KEY]: meter };
      for (const name of Object.keys(activation)) {
        context[name] = options.celActivation ? activation[name] : toCelValue(activation[name]);
      }
    }
    if (this.#constant) return this.reuse(this.#constant, meter, options);
    const before = meter.cost;
    // The compiled form never throws: it answers INTERPRET for anything it does not evaluate exactly.
    let result = this.direct === undefined ? INTERPRET : this.direct(context, meter);
    if (result === INTERPRET) {
      const previous = enterMeter(meter);
      try {
        result = this.parsed(context);
      } catch (error) {
        const failure = this.evaluationError(error, meter);
        if (this.isConstant && !(failure instanceof CelCostLimitError)) this.#constant = { error: failure, cost: meter.cost - before };
        throw failure;
      } finally {
        leaveMeter(previous);
      }
      if (result instanceof Promise) {
        return result.then(
          (value) => this.finish(value, meter, options),
          (error) => {
            throw this.evaluationError(error, meter);
          },
        );
      }
    }
    // An over-budget error can be absorbed by `||`, `&&` or a quantifier; the budget still failed.
    if (meter.cost > meter.limit) throw new CelCostLimitError(meter.limit, this.expression);
    if (this.isConstant) this.#constant = { value: result, cost: meter.cost - before };
    return options.raw ? result : fromCelValue(result);
  }

  private reuse(outcome: ConstantOutcome, meter: CostMeter, options: CelEvaluateOptions): unknown {
    meter.cost += outcome.cost;
    if (meter.cost > meter.limit) throw new CelCostLimitError(meter.limit, this.expression);
    if ('error' in outcome) throw outcome.error;
    return options.raw ? outcome.value : fromCelValue(outcome.value);
  }

  private finish(result: unknown, meter: CostMeter, options: CelEvaluateOptions): unknown {
    if (meter.cost > meter.limit) throw new CelCostLimitError(meter.limit, this.expression);
    return options.raw ? result : fromCelValue(result);
  }

  private evaluationError(error: unknown, meter: CostMeter): Error {
    if (error instanceof CelEvaluationError) return error;
    if (error instanceof CostExceeded) return new CelCostLimitError(error.limit, this.expression, positionOf(this.expression, error.offset));
    if (meter.cost > meter.limit) return new CelCostLimitError(meter.limit, this.expression);
    if (error instanceof EvaluationError) {
      return new CelEvaluationError(restoreNames(error.summary, this.renames), this.expression, positionOfError(error, this.expression));
    }
    const message = error instanceof Error ? error.message : String(error);
    return new CelEvaluationError(message, this.expression);
  }
}

function compileError(error: unknown, expression: string): CelCompileError {
  if (error instanceof ParseError || error instanceof CelTypeError || error instanceof EvaluationError) {
    return new CelCompileError(error.summary, expression, positionOfError(error, expression));
  }
  return new CelCompileError(error instanceof Error ? error.message : String(error), expression);
}

function positionOfError(error: { range?: { start: number } }, expression: string) {
  return error.range ? positionOf(expression, error.range.start) : undefined;
}

/** Error messages name the function the expression wrote, not its renamed implementation. */
function restoreNames(message: string, renames: ReadonlyMap<string, string>): string {
  let out = message;
  for (const [from, to] of renames) out = out.split(to).join(from);
  return out;
}
