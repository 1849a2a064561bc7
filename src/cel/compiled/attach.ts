// Makes an expression evaluate through its compiled closures (compile-node.ts), keeping the interpreter as the
// authority: whenever compiled code bails, the interpreter evaluates the expression from the start, charging the
// meter as it always does. The compiled attempt's own cost is only added when it succeeds, so an expression is
// charged the same either way.
import { meterOf, walk, type AstNode, type EvalContext, type EvaluateFn } from '../instrument.js';
import { Frame, type Evaluator, type RootContext } from './frame.js';
import { NodeCompiler, Unsupported } from './compile-node.js';

/**
 * Replaces the evaluation of an instrumented, checked AST's root with its compiled form. Returns false (and
 * leaves the AST alone) when the expression has something the compiler does not handle or may be asynchronous.
 */
export function attachCompiled(root: AstNode, argumentNodes: ReadonlySet<AstNode>): boolean {
  if (mayBeAsync(root)) return false;
  const compiler = new NodeCompiler(argumentNodes);
  let run;
  try {
    run = compiler.compile(root);
  } catch (error) {
    if (error instanceof Unsupported) return false;
    throw error;
  }
  const slots = compiler.slotCount;
  const interpreted = root.evaluate;
  root.evaluate = function evaluateCompiled(this: AstNode, ev: unknown, ast: unknown, ctx: EvalContext): unknown {
    const meter = meterOf(ctx);
    const frame = new Frame(ev as Evaluator, ctx as unknown as RootContext, meter, slots);
    let value: unknown;
    try {
      value = run(frame);
    } catch {
      return interpreted.call(this, ev, ast, ctx);
    }
    if (value instanceof Promise || frame.cost + meter.cost > meter.limit) return interpreted.call(this, ev, ast, ctx);
    meter.cost += frame.cost;
    return value;
  } satisfies EvaluateFn;
  return true;
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
