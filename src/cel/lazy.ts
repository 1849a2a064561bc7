// Lazily evaluated, composed variables (Kubernetes `variables.<name>`): each is evaluated on first use, at most
// once per activation, and charged to the meter of the evaluation that uses it.
import type { CostMeter } from './cost.js';
import type { CelProgram } from './environment.js';
import { markPassThrough } from './values.js';

/**
 * Builds the value of a `variables` map. `activation` is what each program is evaluated with; it usually
 * includes the returned object itself (under `variables`) so later variables can use earlier ones.
 */
export function lazyVariables(
  programs: ReadonlyMap<string, CelProgram> | Record<string, CelProgram>,
  activation: () => Record<string, unknown>,
  meter: CostMeter,
): Record<string, unknown> {
  const entries = programs instanceof Map ? [...programs] : Object.entries(programs);
  // Null prototype: the evaluator treats it as a map, and no inherited key is reachable.
  const out: Record<string, unknown> = Object.create(null);
  for (const [name, program] of entries) {
    let state: { value: unknown } | { error: unknown } | undefined;
    Object.defineProperty(out, name, {
      enumerable: true,
      get() {
        state ??= evaluateOnce(program, activation(), meter);
        if ('error' in state) throw state.error;
        return state.value;
      },
    });
  }
  return markPassThrough(out);
}

function evaluateOnce(program: CelProgram, activation: Record<string, unknown>, meter: CostMeter) {
  try {
    return { value: program.evaluate(activation, { meter, raw: true }) };
  } catch (error) {
    return { error };
  }
}
