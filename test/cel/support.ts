// Shared by the CEL tests: evaluate one expression in the Kubernetes environment.
import { CelEnvironment } from '../../src/cel/index.js';

const env = new CelEnvironment({ variables: { object: 'dyn', oldObject: 'dyn', params: 'dyn' } });

export function evalCel(expression: string, activation: Record<string, unknown> = {}): unknown {
  return env.compile(expression).evaluate(activation);
}
