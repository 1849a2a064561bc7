// How library function handlers fail: the evaluator attaches the call's position to its own error type.
import { EvaluationError } from '@marcbachmann/cel-js';

export function celError(message: string): Error {
  return new EvaluationError(message);
}
