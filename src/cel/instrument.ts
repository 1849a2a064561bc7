// Instruments a checked cel-js AST for cost accounting (see cost.ts) and applies function renames that route
// built-ins whose semantics Kubernetes defines differently (e.g. `matches` with RE2) to Gatehouse's versions.
// This relies on the evaluator's AST shape: nodes carry `op`, `args` and `meta` (alternate/macro expansions) and
// evaluate through an overridable `evaluate(ev, ast, ctx)` method.
import { CostMeter, METER_KEY, sizeCost } from './cost.js';

export interface AstNode {
  op: string;
  args: unknown;
  pos: number;
  readonly meta: { evaluate: EvaluateFn; alternate?: AstNode; macro?: { evaluate: EvaluateFn } & Record<string, unknown> };
  evaluate: EvaluateFn;
}
export type EvaluateFn = (ev: unknown, ast: unknown, ctx: EvalContext) => unknown;
export interface EvalContext {
  getValue(key: string): unknown;
}

/** Raised by an instrumented node; the environment turns it into a CelCostLimitError with the position. */
export class CostExceeded extends Error {
  constructor(
    readonly limit: number,
    readonly offset: number,
  ) {
    super(`evaluation cost exceeds the budget of ${limit}`);
  }
}

/**
 * The meter of the evaluation running synchronously, set by the environment around each evaluation: reading it
 * is cheaper than looking the meter up in the evaluation context at every node. Parts of an evaluation that run
 * later (after an asynchronous function) find it unset, since no evaluation is on the stack then, and look the
 * meter up in their context.
 */
let runningMeter: CostMeter | undefined;

/** Makes `meter` the running meter; returns the previous one for leaveMeter. */
export function enterMeter(meter: CostMeter): CostMeter | undefined {
  const previous = runningMeter;
  runningMeter = meter;
  return previous;
}

export function leaveMeter(previous: CostMeter | undefined): void {
  runningMeter = previous;
}

const CALL_OPS = new Set(['call', 'rcall', '==', '!=', 'in', '+', '-', '*', '/', '%', '<', '<=', '>', '>=']);

/** Renames calls before type-checking: `renames[name]` replaces a function or method name. */
export function renameCalls(root: unknown, renames: ReadonlyMap<string, string>): void {
  if (renames.size === 0) return;
  walk(root, (node) => {
    if (node.op !== 'call' && node.op !== 'rcall') return;
    const args = node.args as [string, ...unknown[]];
    const replacement = renames.get(args[0]);
    if (replacement !== undefined) args[0] = replacement;
  });
}

/** The meter of the evaluation a node runs in. */
export function meterOf(ctx: EvalContext): CostMeter {
  return runningMeter ?? (ctx.getValue(METER_KEY) as CostMeter);
}

/**
 * Wraps every node's evaluation with cost accounting; call after type-checking (which fixes each node's evaluator).
 * Returns the nodes charged for their size (operands of functions and operators).
 */
export function instrumentCost(root: unknown): ReadonlySet<AstNode> {
  const argumentNodes = new Set<AstNode>();
  walk(root, (node) => {
    if (!CALL_OPS.has(node.op)) return;
    for (const child of childrenOf(node)) argumentNodes.add(child);
  });
  walk(root, (node) => {
    const inner = innerEvaluate(node);
    const chargeSize = argumentNodes.has(node);
    node.evaluate = function meteredEvaluate(ev, ast, ctx) {
      const meter = meterOf(ctx);
      if (++meter.cost > meter.limit) throw new CostExceeded(meter.limit, node.pos);
      const result = inner(ev, ast, ctx);
      if (chargeSize && typeof result !== 'boolean') {
        meter.cost += sizeCost(result);
        if (meter.cost > meter.limit) throw new CostExceeded(meter.limit, node.pos);
      }
      return result;
    };
  });
  return argumentNodes;
}

/**
 * The variables an expression reads from its activation. Identifiers that name constants (such as the `optional` or
 * `lists` namespaces) are not variables, nor are comprehension variables — unless one has the name of a declared
 * variable, which would need scopes to tell apart: such a name is counted, erring towards "reads it".
 */
export function variablesOf(root: unknown, declared: ReadonlySet<string>): Set<string> {
  const names = new Set<string>();
  const bound = new Set<string>();
  walk(root, (node) => {
    if (node.op === 'id' && !node.meta.alternate) names.add(node.args as string);
    if (node.op === 'comprehension') bound.add((node.args as { iterVarName: string }).iterVarName);
    // Two-variable comprehensions (library/comprehensions.ts) name their variables `first` and `second`.
    const macro = node.meta.macro;
    if (macro && typeof macro.first === 'string' && typeof macro.second === 'string') bound.add(macro.first).add(macro.second);
  });
  for (const name of bound) if (!declared.has(name)) names.delete(name);
  return names;
}

/** Whether an expression names any of these identifiers or calls a function or method of one of these names. */
export function usesAny(root: unknown, names: ReadonlySet<string>): boolean {
  if (names.size === 0) return false;
  let found = false;
  walk(root, (node) => {
    if (node.op === 'id' && names.has(node.args as string)) found = true;
    if ((node.op === 'call' || node.op === 'rcall') && names.has((node.args as [string])[0])) found = true;
  });
  return found;
}

/**
 * Whether an expression selects `operand.field` or `operand.?field` anywhere (not `operand["field"]`): the test the
 * API server's AuthenticationConfiguration validation applies to the AST for `claims.email`.
 */
export function selectsField(root: unknown, operand: string, field: string): boolean {
  let found = false;
  walk(root, (node) => {
    if (node.op !== '.' && node.op !== '.?') return;
    const [left, key] = node.args as [AstNode, unknown];
    if (key === field && left.op === 'id' && left.args === operand) found = true;
  });
  return found;
}

function innerEvaluate(node: AstNode): EvaluateFn {
  const meta = node.meta;
  if (meta.alternate) {
    const alternate = meta.alternate;
    return (ev, _ast, ctx) => alternate.evaluate(ev, alternate, ctx);
  }
  if (meta.macro) {
    const macro = meta.macro;
    return (ev, _ast, ctx) => macro.evaluate(ev, macro, ctx);
  }
  return meta.evaluate;
}

/** Direct operand nodes of a call or operator node (receiver and arguments). */
function childrenOf(node: AstNode): AstNode[] {
  const args = node.args as unknown[];
  if (node.op === 'call') return args[1] as AstNode[];
  if (node.op === 'rcall') return [args[1] as AstNode, ...(args[2] as AstNode[])];
  return args as AstNode[];
}

function isAstNode(value: unknown): value is AstNode {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AstNode).op === 'string' &&
    'args' in value &&
    typeof (value as AstNode).pos === 'number' &&
    typeof (value as { clone?: unknown }).clone === 'function'
  );
}

/** Visits every node of an AST once, including alternate and macro expansions. */
export function walk(root: unknown, visit: (node: AstNode) => void): void {
  const seen = new Set<unknown>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value !== 'object' || value === null || seen.has(value)) continue;
    seen.add(value);
    if (isAstNode(value)) {
      visit(value);
      stack.push(value.args, value.meta.alternate, value.meta.macro);
    } else if (Array.isArray(value)) {
      for (const item of value) stack.push(item);
    } else if (Object.getPrototypeOf(value) === Object.prototype) {
      for (const item of Object.values(value)) stack.push(item);
    }
  }
}
