// Compiles an instrumented, checked cel-js AST into a tree of JavaScript closures, so that evaluating a node is one
// direct call instead of the interpreter's dispatch through each node's `evaluate` (a wrapper for cost accounting,
// then the node's meta evaluator, then a handler that runs each child through the evaluator again).
//
// Semantics are the interpreter's by construction: each compiled node calls the handler the type checker chose for
// it (`node.handle`: field access, operator and function overloads), creates errors with the evaluator and the same
// node (so messages and positions are identical), evaluates children in the interpreter's order (list elements and
// call arguments last to first), iterates comprehensions with the same contexts, and charges exactly what cost
// accounting charges (instrument.ts: 1 per node, plus the size of operator and function arguments). A node the
// compiler does not know — a custom macro, a map literal, anything that may be asynchronous — is evaluated by the
// interpreter, with its own instrumentation; a compiled parent calls it like any other child. So is every node above
// a possibly asynchronous one (a call of an `async` function), since compiled nodes expect values, not Promises.
import { chargeArgument, chargeNode, walk } from './instrument.js';
import { isAsyncFunction } from './library.js';
import type { AstNode, EvalContext } from './instrument.js';
import { settleOr, isOrMacro } from './optional-receivers.js';

/** What a compiled node needs of the evaluator: the same one the interpreter would use for the same nodes. */
interface Evaluator {
  createError(code: string, message: string, node: unknown): Error;
  debugRuntimeType(value: unknown): unknown;
  debugType(value: unknown): unknown;
}

/** The interpreter's evaluation contexts: the root context, or a comprehension's overlay. */
interface Context extends EvalContext {
  getCheckedValue(ev: Evaluator, node: AstNode): unknown;
  accuValue: unknown;
  reuse(parent: Context): Context;
  setIterValue(value: unknown, ev: Evaluator): Context;
}

type Compiled = (ev: Evaluator, ctx: Context) => unknown;

/** The fields the type checker attaches to nodes (operands, the chosen handler). */
interface CheckedNode extends AstNode {
  left?: AstNode;
  right?: AstNode;
  condition?: AstNode;
  handle?: (...args: unknown[]) => unknown;
  receiverWithArgs?: AstNode[];
  /** The interpreter's view: true when anything below might be (it counts every library operator as possibly async). */
  readonly maybeAsync: boolean;
}

interface ComprehensionArgs {
  errorsAreFatal: boolean;
  iterable: AstNode;
  init: AstNode;
  step: AstNode;
  condition?: (accu: unknown) => boolean;
  result: (accu: unknown) => unknown;
  iterCtx: Context;
}

/**
 * Replaces the root's evaluation with its compiled form. `argumentNodes` are the nodes charged for their size
 * (instrument.ts). Call after instrumentCost.
 */
export function compileToClosures(ast: unknown, argumentNodes: ReadonlySet<AstNode>): void {
  const root = ast as CheckedNode;
  const compiled = compileNode(root, argumentNodes);
  if (compiled.sync) root.evaluate = (ev, _ast, ctx) => compiled.run(ev as Evaluator, ctx as Context);
}

interface CompiledNode {
  run: Compiled;
  /** No evaluation of the node returns a Promise. */
  sync: boolean;
}

function compileNode(node: CheckedNode, argumentNodes: ReadonlySet<AstNode>): CompiledNode {
  let sync = !isAsyncNode(node);
  const compileChild = (child: AstNode): Compiled => {
    const compiled = compileNode(child as CheckedNode, argumentNodes);
    if (!compiled.sync) sync = false;
    return compiled.run;
  };
  const body = sync ? compileBody(node, compileChild) : undefined;
  if (!body || !sync) {
    // The interpreter's own (instrumented) evaluation of the node.
    const interpreted = node.evaluate;
    return { run: (ev, ctx) => interpreted(ev, node, ctx), sync: sync && isSyncTree(node) };
  }
  const chargeSize = argumentNodes.has(node);
  const run: Compiled = (ev, ctx) => {
    const meter = chargeNode(node, ctx);
    const result = body(ev, ctx);
    if (chargeSize) chargeArgument(meter, node, result);
    return result;
  };
  return { run, sync: true };
}

/** A call of an `async` function, or a macro that may be asynchronous. */
function isAsyncNode(node: CheckedNode): boolean {
  if (node.meta.macro) return node.maybeAsync;
  const declarations = (node as { candidates?: { declarations: { handler: unknown }[] } }).candidates?.declarations;
  return declarations?.some((declaration) => isAsyncFunction(declaration.handler)) ?? false;
}

function isSyncTree(node: AstNode): boolean {
  let sync = true;
  walk(node, (n) => {
    if (isAsyncNode(n as CheckedNode)) sync = false;
  });
  return sync;
}

/** The node's evaluation without its own cost, or undefined when the interpreter evaluates it. */
function compileBody(node: CheckedNode, compile: (child: AstNode) => Compiled): Compiled | undefined {
  const meta = node.meta;
  if (meta.alternate) return compile(meta.alternate);
  if (meta.macro) return isOrMacro(meta.macro) ? compileOr(meta.macro, compile) : undefined;
  switch (node.op) {
    case 'value': {
      const value = node.args;
      return () => value;
    }
    case 'id':
      return (ev, ctx) => ctx.getCheckedValue(ev, node);
    case '.':
    case '.?': {
      const { left, handle } = node;
      if (!left || !handle) return undefined;
      const target = compile(left);
      const key = node.right;
      return (ev, ctx) => handle(target(ev, ctx), key, node, ev);
    }
    case '[]':
    case '[?]':
    case '!=':
    case '==':
    case 'in':
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const { left, right, handle } = node;
      if (!left || !right || !handle) return undefined;
      const first = compile(left);
      const second = compile(right);
      return (ev, ctx) => handle(first(ev, ctx), second(ev, ctx), node, ev);
    }
    case '!_':
    case '-_': {
      const handle = node.handle;
      if (!handle) return undefined;
      const operand = compile(node.args as AstNode);
      return (ev, ctx) => handle(operand(ev, ctx), node, ev);
    }
    case '&&':
    case '||':
      return compileLogical(node, node.op === '||', compile);
    case '?:':
      return compileTernary(node, compile);
    case 'list': {
      const items = compileAll(node.args as AstNode[], compile);
      return (ev, ctx) => evaluateAll(items, ev, ctx);
    }
    case 'call': {
      const handle = node.handle;
      if (!handle) return undefined;
      const args = compileAll((node.args as [string, AstNode[]])[1], compile);
      return (ev, ctx) => handle(evaluateAll(args, ev, ctx), node, ev);
    }
    case 'rcall': {
      const { handle, receiverWithArgs } = node;
      if (!handle || !receiverWithArgs) return undefined;
      const args = compileAll(receiverWithArgs, compile);
      return (ev, ctx) => handle(evaluateAll(args, ev, ctx), ev, node);
    }
    case 'comprehension':
      return compileComprehension(node.args as ComprehensionArgs, compile);
    case 'accuValue':
      return (_ev, ctx) => ctx.accuValue;
    case 'accuInc':
      return (_ev, ctx) => ((ctx.accuValue as number) += 1);
    case 'accuPush': {
      const item = compile(node.args as AstNode);
      return (ev, ctx) => {
        const list = ctx.accuValue as unknown[];
        list.push(item(ev, ctx));
        return ctx.accuValue;
      };
    }
    default:
      return undefined;
  }
}

function compileAll(nodes: readonly AstNode[], compile: (child: AstNode) => Compiled): Compiled[] {
  return nodes.map(compile);
}

/** Evaluates last to first, as the interpreter does (which error surfaces first depends on it). */
function evaluateAll(items: readonly Compiled[], ev: Evaluator, ctx: Context): unknown[] {
  let i = items.length;
  const out = new Array<unknown>(i);
  while (i--) out[i] = items[i]!(ev, ctx);
  return out;
}

function tryEvaluate(compiled: Compiled, ev: Evaluator, ctx: Context): unknown {
  try {
    return compiled(ev, ctx);
  } catch (error) {
    return error;
  }
}

/**
 * `&&` and `||`: the left operand's error is absorbed when the right operand decides the result (CEL's
 * commutative logic); otherwise the interpreter's errors, with its wording and positions.
 */
function compileLogical(node: CheckedNode, absorbing: boolean, compile: (child: AstNode) => Compiled): Compiled | undefined {
  const { left, right } = node;
  if (!left || !right) return undefined;
  const first = compile(left);
  const second = compile(right);
  return (ev, ctx) => {
    const l = tryEvaluate(first, ev, ctx);
    if (l === absorbing) return absorbing;
    const r = second(ev, ctx);
    if (l === !absorbing && typeof r === 'boolean') return r;
    if (r === absorbing) return absorbing;
    if (r === !absorbing) {
      if (l === r) return r;
      throw l instanceof Error ? l : operandError(ev, l, left);
    }
    throw operandError(ev, r, left);
  };
}

function operandError(ev: Evaluator, value: unknown, node: AstNode): Error {
  return ev.createError('invalid_logical_operand', `Logical operator requires bool operands, got '${String(ev.debugRuntimeType(value))}'`, node);
}

function compileTernary(node: CheckedNode, compile: (child: AstNode) => Compiled): Compiled | undefined {
  const { condition, left, right } = node;
  if (!condition || !left || !right) return undefined;
  const test = compile(condition);
  const then = compile(left);
  const otherwise = compile(right);
  const label = (condition.meta as { label?: string }).label || 'Ternary condition must be bool';
  return (ev, ctx) => {
    const c = test(ev, ctx);
    if (c === true) return then(ev, ctx);
    if (c === false) return otherwise(ev, ctx);
    throw ev.createError('invalid_condition_type', `${label}, got '${String(ev.debugRuntimeType(c))}'`, condition);
  };
}

function compileOr(macro: Parameters<typeof settleOr>[0], compile: (child: AstNode) => Compiled): Compiled {
  const receiver = compile(macro.receiver as AstNode);
  return (ev, ctx) => settleOr(macro, receiver(ev, ctx), ev, ctx);
}

/**
 * all/exists/exists_one/map/filter, as the interpreter iterates them: quantifiers (errors not fatal) keep the
 * first error and raise it only if no element decided the result; the others stop at the first error.
 */
function compileComprehension(args: ComprehensionArgs, compile: (child: AstNode) => Compiled): Compiled {
  const iterable = compile(args.iterable);
  const init = compile(args.init);
  const step = compile(args.step);
  const { condition, result, errorsAreFatal } = args;
  return (ev, outer) => {
    const collection = iterable(ev, outer);
    const items = Array.isArray(collection) ? collection : iterationItems(ev, args, collection);
    const ctx = args.iterCtx.reuse(outer);
    let accu = init(ev, ctx);
    ctx.accuValue = accu;
    const length = items.length;
    if (errorsAreFatal) {
      for (let i = 0; i < length; i++) {
        if (condition && !condition(accu)) break;
        accu = step(ev, ctx.setIterValue(items[i], ev));
      }
      return result(accu);
    }
    let error: unknown;
    for (let i = 0; i < length; i++) {
      if (!condition!(accu)) return result(accu);
      const value = tryEvaluate(step, ev, ctx.setIterValue(items[i], ev));
      if (value instanceof Error) {
        error ??= value;
        continue;
      }
      accu = value;
    }
    if (error && condition!(accu)) throw error;
    return result(accu);
  };
}

/** What a comprehension iterates over in a value that is not a list: a map's keys. */
function iterationItems(ev: Evaluator, args: ComprehensionArgs, collection: unknown): readonly unknown[] {
  if (collection instanceof Set) return [...collection];
  if (collection instanceof Map) return [...collection.keys()];
  if (collection && typeof collection === 'object') return Object.keys(collection);
  throw ev.createError(
    'invalid_comprehension_range',
    `Expression of type '${String(ev.debugType(collection))}' cannot be range of a comprehension (must be list, map, or dynamic).`,
    args.iterable,
  );
}
