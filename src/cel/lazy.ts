// Lazily evaluated, composed variables (Kubernetes `variables.<name>`): each is evaluated on first use, at most
// once per activation, and charged to the meter of the evaluation that uses it.
//
// The value of `variables` is an instance of a class made once per set of names, whose getters evaluate on first
// use. Expressions see a CEL object type with one `dyn` field per variable, so a misspelt name is a compile error,
// and binding an activation costs one allocation (defining getters per evaluation cost microseconds each time).
//
// A variable defined with a `shareAs` key takes its value from, or leaves it in, the SharedValues of the binding:
// several policies judging the same object compute their common variables once (the Kyverno library repeats
// `object.spec.containers + object.spec.?initContainers.orValue([]) + …` in most pod policies). The caller keys a
// variable so that equal keys mean equal values for every binding sharing a SharedValues; a reused value is charged
// the cost its evaluation was charged, so budgets are spent exactly as without sharing. Errors are not shared.
import { METER_KEY, type CostMeter } from './cost.js';
import type { CelProgram } from './environment.js';
import { CelCostLimitError } from './errors.js';
import type { CelLibrary } from './library.js';

const BINDING = Symbol('binding');

/** A variable being evaluated (a use of it now is a cycle). */
const EVALUATING: unique symbol = Symbol('evaluating');

/** A variable whose evaluation failed: each use throws the error. */
class Failed {
  constructor(readonly error: unknown) {}
}

/** Values of shared variables by key, with the cost of computing each. */
export type SharedValues = Map<string, { value: unknown; cost: number }>;

/**
 * One evaluation's `variables`: what the variables are evaluated with, and their values. (One class for every set
 * of variables, so the code reading it sees one shape.)
 */
class Binding {
  constructor(
    readonly context: Record<string, unknown>,
    public shared: SharedValues | undefined,
    /** Each variable's value by index: undefined until evaluated, EVALUATING meanwhile, a Failed when it failed. */
    readonly results: unknown[],
  ) {}
}

/**
 * What every `variables` value is an instance of: compiled expressions read its fields (the variables' getters)
 * directly instead of through the evaluator's typed-field lookup.
 */
export class BoundVariables {}

export class LazyVariables {
  /** The CEL type of `variables`: declare the variable with it and add `library` to the environment. */
  readonly typeName = 'kubernetes.Variables';
  readonly library: CelLibrary;
  readonly #names: readonly string[];
  readonly #programs: (CelProgram | undefined)[];
  readonly #shareAs: (string | undefined)[];
  readonly #ctor: new (binding: Binding) => { [BINDING]: Binding };

  constructor(names: readonly string[]) {
    for (const [i, name] of names.entries()) {
      if (names.indexOf(name) !== i) throw new Error(`variable "${name}" is defined twice`);
      // The evaluator tells types apart by their constructor property, which a getter must not replace.
      if (name === 'constructor') throw new Error('"constructor" cannot be the name of a variable');
    }
    this.#names = names;
    this.#programs = names.map(() => undefined);
    this.#shareAs = names.map(() => undefined);
    const ctor = class Variables extends BoundVariables {
      [BINDING]: Binding;
      constructor(binding: Binding) {
        super();
        this[BINDING] = binding;
      }
    };
    names.forEach((name, index) => {
      const resolve = (binding: Binding) => this.#resolve(binding, index);
      Object.defineProperty(ctor.prototype, name, {
        get(this: InstanceType<typeof ctor>) {
          const binding = this[BINDING];
          const known = binding.results[index];
          return known !== undefined && known !== EVALUATING && !(known instanceof Failed) ? known : resolve(binding);
        },
      });
    });
    this.#ctor = ctor;
    this.library = {
      name: 'kubernetes.variables',
      types: [{ name: this.typeName, ctor, fields: Object.fromEntries(names.map((n) => [n, 'dyn'])) }],
    };
  }

  /** The compiled expression of a variable (compiled in an environment that includes `library`). */
  define(name: string, program: CelProgram, options: { shareAs?: string } = {}): void {
    const index = this.#names.indexOf(name);
    if (index < 0) throw new Error(`no variable named "${name}"`);
    this.#programs[index] = program;
    this.#shareAs[index] = options.shareAs;
  }

  /**
   * The value of `variables` for one evaluation. `context` (from bindActivation) is what each variable is
   * evaluated with, charging its meter; it usually holds the returned object itself (set it afterwards) so later
   * variables can use earlier ones.
   */
  bind(context: Record<string, unknown>, shared?: SharedValues): object {
    return new this.#ctor(new Binding(context, shared, new Array(this.#names.length)));
  }

  /** Makes a value of bind() start again, with no variable evaluated, sharing values in `shared`. */
  rebind(variables: object, shared: SharedValues | undefined): void {
    const binding = (variables as { [BINDING]: Binding })[BINDING];
    binding.shared = shared;
    const results = binding.results;
    for (let i = 0; i < results.length; i++) results[i] = undefined;
  }

  #resolve(binding: Binding, index: number): unknown {
    const results = binding.results;
    const known = results[index];
    if (known !== undefined) {
      if (known === EVALUATING) throw new Error(`variable "${this.#names[index]}" refers to itself`);
      if (known instanceof Failed) throw known.error;
      return known;
    }
    const program = this.#programs[index];
    if (!program) throw new Error(`variable "${this.#names[index]}" has no compiled expression`);
    const sharedValues = binding.shared;
    const key = sharedValues && this.#shareAs[index];
    const meter = binding.context[METER_KEY] as CostMeter;
    const shared = key ? sharedValues!.get(key) : undefined;
    if (shared) {
      meter.cost += shared.cost;
      if (meter.cost > meter.limit) throw new CelCostLimitError(meter.limit, program.expression);
      return (results[index] = shared.value);
    }
    results[index] = EVALUATING;
    const before = meter.cost;
    let value: unknown;
    try {
      value = program.evaluate(binding.context, RAW);
    } catch (error) {
      results[index] = new Failed(error);
      throw error;
    }
    results[index] = value;
    if (key && !(value instanceof Promise)) sharedValues!.set(key, { value, cost: meter.cost - before });
    return value;
  }
}

const RAW = { raw: true } as const;
