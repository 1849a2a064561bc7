// `x.or(y)` and `x.orValue(y)` on a receiver that is not an optional return the receiver unchanged, as in cel-go
// (its interpreter evaluates both calls this way), which Kubernetes and Kyverno run. The receiver's static type
// can only be non-optional here when it is `dyn`, e.g. a field of `object` selected without `?.`
// (`container.securityContext.capabilities.add.orValue([])`); the evaluator would raise "receiver must be optional".
import { Optional } from '@marcbachmann/cel-js';
import { walk, type EvalContext, type EvaluateFn } from './instrument.js';

interface OptionalMacro {
  functionDesc: string;
  receiver: unknown;
  evaluate: EvaluateFn;
  onHasValue(optional: Optional): unknown;
  onEmpty(ev: unknown, macro: OptionalMacro, ctx: EvalContext): unknown;
}

interface Evaluator {
  run(ast: unknown, ctx: EvalContext): unknown;
}

const OR_CALLS = new Set(['optional.or(optional)', 'optional.orValue(value)']);

/** Call after type-checking, before instrumentCost. */
export function passNonOptionalReceivers(root: unknown): void {
  walk(root, (node) => {
    const macro = node.meta.macro as OptionalMacro | undefined;
    if (!macro || !OR_CALLS.has(macro.functionDesc)) return;
    macro.evaluate = function evaluateOr(ev, _macro, ctx) {
      const receiver = (ev as Evaluator).run(macro.receiver, ctx);
      if (receiver instanceof Promise) return receiver.then((value) => settle(macro, value, ev, ctx));
      return settle(macro, receiver, ev, ctx);
    };
  });
}

function settle(macro: OptionalMacro, value: unknown, ev: unknown, ctx: EvalContext): unknown {
  if (!(value instanceof Optional)) return value;
  return value.hasValue() ? macro.onHasValue(value) : macro.onEmpty(ev, macro, ctx);
}
