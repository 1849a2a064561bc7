// Makes an expression evaluate through its compiled form (compile-node.ts), keeping the interpreter as the
// authority: whenever compiled code bails, the interpreter evaluates the expression from the start, charging the
// meter as it always does. The compiled attempt's own cost is only added when it succeeds, so an expression is
// charged the same either way.
//
// Compiled code runs either inside the interpreter's entry (the root node's evaluation, given the interpreter's
// evaluator and root context) or, once the environment's evaluator is known, directly on an activation: without a
// root context per evaluation, which is most of what a short expression costs.
import type { CostMeter } from '../cost.js';
import { meterOf, walk, type AstNode, type EvalContext, type EvaluateFn } from '../instrument.js';
import { Frame, type Evaluator, type RootContext } from './frame.js';
import { NodeCompiler, Unsupported } from './compile-node.js';

/** The interpreter's evaluator of one environment, learnt from its first evaluation. */
export interface EvaluatorRef {
  ev?: Evaluator;
}

/** What runDirect returns when the interpreter must evaluate the expression. */
export const INTERPRET: unique symbol = Symbol('interpret');

/** Evaluates a compiled expression on an activation of CEL values, charging `meter`; INTERPRET when it cannot. */
export type DirectRun = (activation: Record<string, unknown>, meter: CostMeter) => unknown;

/**
 * Replaces the evaluation of an instrumented, checked AST's root with its compiled form and returns the direct
 * form. Returns undefined (and leaves the AST alone) when the expression has something the compiler does not
 * handle or may be asynchronous.
 */
export function attachCompiled(root: AstNode, argumentNodes: ReadonlySet<AstNode>, evaluator: EvaluatorRef): DirectRun | undefined {
  if (mayBeAsync(root)) return undefined;
  const compiler = new NodeCompiler(argumentNodes);
  let run;
  try {
    run = compiler.link(root);
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
  const slots = compiler.slotCount;
  const reusable = new Frame(slots);
  const attempt = (ev: Evaluator, ctx: RootContext | undefined, activation: Record<string, unknown> | undefined, meter: CostMeter): unknown => {
    const frame = (reusable.busy ? new Frame(slots) : reusable).enter(ev, ctx, activation, meter);
    let value: unknown;
    try {
      value = run(frame);
    } catch {
      return INTERPRET;
    } finally {
      frame.leave();
    }
    if (value instanceof Promise || frame.cost + meter.cost > meter.limit) return INTERPRET;
    meter.cost += frame.cost;
    return value;
  };
  const interpreted = root.evaluate;
  root.evaluate = function evaluateCompiled(this: AstNode, ev: unknown, ast: unknown, ctx: EvalContext): unknown {
    evaluator.ev = ev as Evaluator;
    const value = attempt(ev as Evaluator, ctx as unknown as RootContext, undefined, meterOf(ctx));
    return value === INTERPRET ? interpreted.call(this, ev, ast, ctx) : value;
  } satisfies EvaluateFn;
  return (activation, meter) => {
    const ev = evaluator.ev;
    return ev === undefined ? INTERPRET : attempt(ev, undefined, activation, meter);
  };
}

/**
 * Whether a function or operator the expression calls has an `async` implementation. (The evaluator's own flag
 * cannot tell: it counts every operator a library adds as possibly asynchronous.) A handler that returns a Promise
 * anyway makes compiled code bail at run time.
 */
function mayBeAsync(root: AstNode): boolean {
  let async = false;
  walk(root, (node) => {
    const declarations = (node as { candidates?: { declarations?: readonly { handler?: unknown }[] } }).candidates?.declarations ?? [];
    if (declarations.some((declaration) => isAsyncFunction(declaration.handler))) async = true;
  });
  return async;
}

function isAsyncFunction(fn: unknown): boolean {
  return typeof fn === 'function' && (fn as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] === 'AsyncFunction';
}
