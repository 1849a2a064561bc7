// Lazily evaluated, composed variables (Kubernetes `variables.<name>`): each is evaluated on first use, at most
// once per activation, and charged to the meter of the evaluation that uses it.
//
// The value of `variables` is an instance of a class made once per set of names, whose getters evaluate on first
// use. Expressions see a CEL object type with one `dyn` field per variable, so a misspelt name is a compile error,
// and binding an activation costs one allocation (defining getters per evaluation cost microseconds each time).
import type { CostMeter } from './cost.js';
import type { CelProgram } from './environment.js';
import type { CelLibrary } from './library.js';

const BINDING = Symbol('binding');

const enum State {
  Unevaluated = 0,
  Evaluating = 1,
  Value = 2,
  Error = 3,
}

interface Binding {
  activation: Record<string, unknown>;
  meter: CostMeter;
  celActivation: boolean;
  states: State[];
  /** The value, or the error, of each variable by index. */
  results: unknown[];
}

export class LazyVariables {
  /** The CEL type of `variables`: declare the variable with it and add `library` to the environment. */
  readonly typeName = 'kubernetes.Variables';
  readonly library: CelLibrary;
  readonly #names: readonly string[];
  readonly #programs: (CelProgram | undefined)[];
  readonly #ctor: new (binding: Binding) => object;

  constructor(names: readonly string[]) {
    for (const [i, name] of names.entries()) {
      if (names.indexOf(name) !== i) throw new Error(`variable "${name}" is defined twice`);
      // The evaluator tells types apart by their constructor property, which a getter must not replace.
      if (name === 'constructor') throw new Error('"constructor" cannot be the name of a variable');
    }
    this.#names = names;
    this.#programs = names.map(() => undefined);
    const ctor = class Variables {
      [BINDING]: Binding;
      constructor(binding: Binding) {
        this[BINDING] = binding;
      }
    };
    names.forEach((name, index) => {
      const resolve = (binding: Binding) => this.#resolve(binding, index);
      Object.defineProperty(ctor.prototype, name, {
        get(this: InstanceType<typeof ctor>) {
          return resolve(this[BINDING]);
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
  define(name: string, program: CelProgram): void {
    const index = this.#names.indexOf(name);
    if (index < 0) throw new Error(`no variable named "${name}"`);
    this.#programs[index] = program;
  }

  /**
   * The value of `variables` for one evaluation. `activation` is what each variable is evaluated with; it usually
   * holds the returned object itself (set it afterwards) so later variables can use earlier ones.
   */
  bind(activation: Record<string, unknown>, meter: CostMeter, options: { celActivation?: boolean } = {}): object {
    const count = this.#names.length;
    return new this.#ctor({ activation, meter, celActivation: options.celActivation ?? false, states: new Array<State>(count).fill(State.Unevaluated), results: new Array(count) });
  }

  #resolve(binding: Binding, index: number): unknown {
    switch (binding.states[index]) {
      case State.Value:
        return binding.results[index];
      case State.Error:
        throw binding.results[index];
      case State.Evaluating:
        throw new Error(`variable "${this.#names[index]}" refers to itself`);
    }
    const program = this.#programs[index];
    if (!program) throw new Error(`variable "${this.#names[index]}" has no compiled expression`);
    binding.states[index] = State.Evaluating;
    try {
      binding.results[index] = program.evaluate(binding.activation, { meter: binding.meter, raw: true, celActivation: binding.celActivation });
      binding.states[index] = State.Value;
    } catch (error) {
      binding.results[index] = error;
      binding.states[index] = State.Error;
    }
    return this.#resolve(binding, index);
  }
}
