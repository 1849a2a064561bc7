// Compiles a checked, cost-instrumented cel-js AST into JavaScript closures: one direct call per node instead of the
// interpreter's dispatch, JSON values read without type lookups, optional chains without an Optional per step, and
// comprehension variables in frame slots instead of overlay contexts.
//
// Compiled code only handles the plain case. Where it is not sure to do exactly what the interpreter does — an
// error, a value of an unexpected type, an asynchronous result, a cost over budget — it throws BAIL and the
// interpreter evaluates the whole expression (CEL expressions have no side effects, so evaluating again is
// safe). Everything else is delegated to the handler the type checker chose for the node, as the interpreter calls
// it. Cost is charged exactly as instrument.ts charges the interpreter: 1 per node evaluated, plus the size of
// every operand of a function or operator; nodes are evaluated in the interpreter's order (call arguments from
// last to first).
//
// A node kind not listed here (a custom macro, cel.bind, two-variable comprehensions) makes the expression
// uncompilable, and it is interpreted as before.
import { Optional } from '@marcbachmann/cel-js';
import { sizeCost } from '../cost.js';
import { BoundVariables } from '../lazy.js';
import type { AstNode } from '../instrument.js';
import { BAIL, isJsonValue, isPlainMap, NONE, type Evaluator, type Frame, type Run } from './frame.js';

/** The fields the type checker attaches to nodes. */
interface Node extends AstNode {
  checkedType?: CheckedType;
  handle?: (...args: unknown[]) => unknown;
  receiverWithArgs?: Node[];
}

interface CheckedType {
  kind: string;
  matchesValueType(value: unknown, ev: Evaluator): boolean;
}

interface ComprehensionArgs {
  iterable: Node;
  iterVarName: string;
  init: Node;
  step: Node;
  errorsAreFatal: boolean;
  condition?: (accu: unknown) => boolean;
  result: (accu: unknown) => unknown;
  iterCtx: { iterType: CheckedType };
}

interface OptionalMacro {
  functionDesc: string;
  receiver: Node;
  arg: Node;
}

interface HasMacro {
  macroHasProps?: Node[];
}

/** Raised while compiling: the expression has a node this compiler does not handle. */
export class Unsupported extends Error {}

const hasOwn = Object.hasOwn;

export class NodeCompiler {
  /** Frame slots used: one per comprehension variable and accumulator. */
  slotCount = 0;
  /** Comprehension variables in scope, innermost last. */
  readonly #scopes: { name: string; slot: number }[] = [];
  /** Accumulator slots of the enclosing comprehensions, innermost last. */
  readonly #accumulators: number[] = [];

  constructor(private readonly argumentNodes: ReadonlySet<AstNode>) {}

  /** The node's evaluation with its cost: 1, plus its value's size when it is an operand of a call or operator. */
  compile(node: Node): Run {
    const { run, sized } = this.#operand(node);
    return sized ? sizedRun(run) : run;
  }

  /**
   * The node's evaluation, and whether the caller must add its value's size (a parent that evaluates operands
   * itself charges their sizes inline rather than through another closure). A literal's size is known: it is
   * charged with the node.
   */
  #operand(node: Node): { run: Run; sized: boolean } {
    const sized = this.argumentNodes.has(node);
    if (node.op !== 'value' || node.meta.alternate || node.meta.macro) return { run: this.#body(node), sized };
    const value = node.args;
    const cost = 1 + (sized && typeof value !== 'boolean' ? sizeCost(value) : 0);
    return { run: (f) => ((f.cost += cost), value), sized: false };
  }

  #body(node: Node): Run {
    const meta = node.meta;
    if (meta.alternate) {
      const alternate = this.compile(meta.alternate as Node);
      return (f) => (f.cost++, alternate(f));
    }
    if (meta.macro) return this.#macro(node, meta.macro);
    switch (node.op) {
      case 'value': {
        const value = node.args;
        return (f) => (f.cost++, value);
      }
      case 'id':
        return this.#identifier(node);
      case '.':
        return this.#select(node);
      case '.?': {
        const raw = this.#optionalSelect(node);
        return (f) => {
          const value = raw(f);
          return value === undefined ? NONE : Optional.of(value);
        };
      }
      case '[]':
        return this.#index(node);
      case 'call':
        return this.#call(node, (node.args as [string, Node[]])[1], (handle, args, f) => handle(args, node, f.ev));
      case 'rcall':
        return this.#methodCall(node);
      case 'list':
        return this.#list(node);
      case 'comprehension':
        return this.#comprehension(node);
      case 'accuValue': {
        const slot = this.#accumulator();
        return (f) => (f.cost++, f.slots[slot]);
      }
      case 'accuInc': {
        const slot = this.#accumulator();
        return (f) => (f.cost++, (f.slots[slot] = (f.slots[slot] as number) + 1));
      }
      case 'accuPush': {
        const slot = this.#accumulator();
        const item = this.compile(node.args as Node);
        return (f) => {
          f.cost++;
          const list = f.slots[slot] as unknown[];
          list.push(item(f));
          return list;
        };
      }
      case '?:':
        return this.#ternary(node);
      case '||':
      case '&&':
        return this.#logical(node, node.op === '||');
      case '!_':
        return this.#not(node);
      case '-_': {
        const operand = this.compile(node.args as Node);
        const handle = handleOf(node);
        return (f) => (f.cost++, handle(operand(f), node, f.ev));
      }
      case '==':
      case '!=':
      case 'in':
      case '+':
      case '-':
      case '*':
      case '/':
      case '%':
      case '<':
      case '<=':
      case '>':
      case '>=':
        return this.#binary(node);
      default:
        throw new Unsupported(`node ${node.op}`);
    }
  }

  #identifier(node: Node): Run {
    const name = node.args as string;
    for (let i = this.#scopes.length - 1; i >= 0; i--) {
      if (this.#scopes[i]!.name !== name) continue;
      const slot = this.#scopes[i]!.slot;
      return (f) => (f.cost++, f.slots[slot]);
    }
    return (f) => (f.cost++, f.variable(node));
  }

  /** `a.b`: a JSON map's entry directly when the interpreter would read it as a map; anything else by its handler. */
  #select(node: Node): Run {
    const [leftNode, key] = node.args as [Node, string];
    const left = this.compile(leftNode);
    const handle = handleOf(node);
    if (!readsAsDyn(handle, 'fieldAccess')) {
      return (f) => {
        f.cost++;
        const object = left(f);
        // `variables.x`: every field is a dyn variable, read by its getter (a failed variable throws).
        if (object instanceof BoundVariables) {
          const value = (object as unknown as Record<string, unknown>)[key];
          if (value !== undefined && isJsonValue(value)) return value;
        }
        return handle(object, key, node, f.ev);
      };
    }
    return (f) => {
      f.cost++;
      const object = left(f);
      if (isPlainMap(object) && hasOwn(object, key)) {
        const value = object[key];
        if (value !== undefined && isJsonValue(value)) return value;
      }
      return handle(object, key, node, f.ev);
    };
  }

  /**
   * `a.?b.?c` as the value it holds, or undefined for none — what every consumer of an optional chain needs; the
   * interpreter's Optional is built only where the optional itself is the result. The whole chain is one loop;
   * each selection costs 1, whether or not an earlier one found nothing (an optional has no size).
   */
  #optionalSelect(node: Node): Run {
    const steps: OptionalStep[] = [];
    let base = node;
    while (isOptionalSelection(base)) {
      const [leftNode, key] = base.args as [Node, string];
      steps.unshift({ node: base, key, handle: handleOf(base) });
      base = leftNode;
    }
    const start = this.compile(base);
    return (f) => {
      f.cost += steps.length;
      let object = start(f);
      for (let i = 0; i < steps.length && object !== undefined; i++) object = selectOptional(object, steps[i]!, f);
      return object;
    };
  }

  /** An operand read through `.?` or `orValue`: an optional selection stays unwrapped. */
  #optionalOperand(node: Node): Run {
    return isOptionalSelection(node) ? this.#optionalSelect(node) : this.compile(node);
  }

  /** `a[i]`: a list element directly for an int index in range; anything else by its handler. */
  #index(node: Node): Run {
    const [leftNode, indexNode] = node.args as [Node, Node];
    const left = this.compile(leftNode);
    const index = this.compile(indexNode);
    const handle = handleOf(node);
    const dyn = readsAsDyn(handle, 'fieldAccess');
    return (f) => {
      f.cost++;
      const list = left(f);
      const i = index(f);
      if (dyn && Array.isArray(list) && typeof i === 'bigint' && i >= 0n && i < BigInt(list.length)) {
        const value = list[Number(i)];
        if (value !== undefined) return value;
      }
      return handle(list, i, node, f.ev);
    };
  }

  #call(node: Node, operands: readonly Node[], invoke: (handle: (...args: unknown[]) => unknown, args: unknown[], f: Frame) => unknown): Run {
    const runs = operands.map((operand) => this.compile(operand));
    const handle = handleOf(node);
    return (f) => {
      f.cost++;
      const args = new Array<unknown>(runs.length);
      for (let i = runs.length - 1; i >= 0; i--) args[i] = runs[i]!(f);
      const result = invoke(handle, args, f);
      if (result instanceof Promise) throw BAIL;
      return result;
    };
  }

  #methodCall(node: Node): Run {
    const [name, , params] = node.args as [string, Node, Node[]];
    const operands = node.receiverWithArgs;
    if (!operands) throw new Unsupported('method call without operands');
    if (name === 'size' && params.length === 0) {
      // The list's size without the overload lookup; strings (code points) and maps go to the handler.
      const receiver = this.compile(operands[0]!);
      const handle = handleOf(node);
      return (f) => {
        f.cost++;
        const value = receiver(f);
        if (Array.isArray(value)) return BigInt(value.length);
        const result = handle([value], f.ev, node);
        if (result instanceof Promise) throw BAIL;
        return result;
      };
    }
    return this.#call(node, operands, (handle, args, f) => handle(args, f.ev, node));
  }

  #list(node: Node): Run {
    const runs = (node.args as Node[]).map((element) => this.compile(element));
    return (f) => {
      f.cost++;
      const list = new Array<unknown>(runs.length);
      for (let i = runs.length - 1; i >= 0; i--) list[i] = runs[i]!(f);
      return list;
    };
  }

  #comprehension(node: Node): Run {
    const args = node.args as ComprehensionArgs;
    const iterable = this.compile(args.iterable);
    const itemSlot = this.slotCount++;
    const accuSlot = this.slotCount++;
    this.#scopes.push({ name: args.iterVarName, slot: itemSlot });
    this.#accumulators.push(accuSlot);
    const init = this.compile(args.init);
    const step = this.compile(args.step);
    this.#scopes.pop();
    this.#accumulators.pop();
    const { condition, result } = args;
    const iterType = args.iterCtx.iterType;
    const typed = iterType.kind !== 'dyn';
    return (f) => {
      f.cost++;
      const items = itemsOf(iterable(f));
      let accu = init(f);
      f.slots[accuSlot] = accu;
      for (let i = 0; i < items.length; i++) {
        if (condition && !condition(accu)) break;
        const item = items[i];
        if (typed && !iterType.matchesValueType(item, f.ev)) throw BAIL;
        f.slots[itemSlot] = item;
        accu = step(f);
        f.checkBudget();
      }
      return result(accu);
    };
  }

  #accumulator(): number {
    const slot = this.#accumulators.at(-1);
    if (slot === undefined) throw new Unsupported('accumulator outside a comprehension');
    return slot;
  }

  #ternary(node: Node): Run {
    const [conditionNode, whenTrue, whenFalse] = (node.args as Node[]).map((n) => this.compile(n)) as [Run, Run, Run];
    return (f) => {
      f.cost++;
      const condition = conditionNode(f);
      if (condition === true) return whenTrue(f);
      if (condition === false) return whenFalse(f);
      throw BAIL;
    };
  }

  /** `||` and `&&` on booleans; an error or a non-boolean operand (which CEL may still absorb) goes to the interpreter. */
  #logical(node: Node, isOr: boolean): Run {
    const [left, right] = (node.args as Node[]).map((n) => this.compile(n)) as [Run, Run];
    return (f) => {
      f.cost++;
      const l = left(f);
      if (l === isOr) return l;
      if (l !== !isOr) throw BAIL;
      const r = right(f);
      if (typeof r !== 'boolean') throw BAIL;
      return r;
    };
  }

  #not(node: Node): Run {
    const operand = this.compile(node.args as Node);
    const handle = handleOf(node);
    return (f) => {
      f.cost++;
      const value = operand(f);
      return typeof value === 'boolean' ? !value : handle(value, node, f.ev);
    };
  }

  #binary(node: Node): Run {
    // Both operands of an operator are charged their size (instrument.ts); charged here, not by a wrapper.
    const [l, r] = (node.args as Node[]).map((n) => this.#operand(n)) as [{ run: Run; sized: boolean }, { run: Run; sized: boolean }];
    const left: Run = l.sized ? sizedRun(l.run) : l.run;
    const right: Run = r.sized ? sizedRun(r.run) : r.run;
    const handle = handleOf(node);
    const generic: Run = (f) => (f.cost++, handle(left(f), right(f), node, f.ev));
    switch (node.op) {
      case '==':
      case '!=': {
        const equal = node.op === '==';
        const [leftRun, leftSized, rightRun, rightSized] = [l.run, l.sized, r.run, r.sized];
        return (f) => {
          f.cost++;
          const a = leftRun(f);
          if (leftSized && typeof a !== 'boolean') f.cost += sizeCost(a);
          const b = rightRun(f);
          if (rightSized && typeof b !== 'boolean') f.cost += sizeCost(b);
          // Strings, bools and ints of the same type are equal exactly when identical, for every overload.
          const type = typeof a;
          if (type === typeof b && (type === 'string' || type === 'boolean' || type === 'bigint')) return (a === b) === equal;
          return handle(a, b, node, f.ev);
        };
      }
      case 'in':
        return (f) => {
          f.cost++;
          const a = left(f);
          const b = right(f);
          // A string in a list of strings (the interpreter types the list by its first element).
          if (typeof a === 'string' && Array.isArray(b) && (b.length === 0 || typeof b[0] === 'string')) return b.includes(a);
          return handle(a, b, node, f.ev);
        };
      case '<':
      case '<=':
      case '>':
      case '>=': {
        const compare = INT_COMPARISONS[node.op];
        return (f) => {
          f.cost++;
          const a = left(f);
          const b = right(f);
          if (typeof a === 'bigint' && typeof b === 'bigint') return compare(a, b);
          return handle(a, b, node, f.ev);
        };
      }
      default:
        return generic;
    }
  }

  #macro(node: Node, macro: unknown): Run {
    const optional = macro as Partial<OptionalMacro>;
    if (optional.functionDesc === 'optional.orValue(value)') return this.#orValue(optional as OptionalMacro);
    if (optional.functionDesc === 'optional.or(optional)') return this.#or(optional as OptionalMacro);
    if (isHas(node)) return this.#has(macro as HasMacro);
    throw new Unsupported(`macro of ${node.op}`);
  }

  /** `x.orValue(d)` (a non-optional `x` is returned unchanged: optional-receivers.ts). */
  #orValue(macro: OptionalMacro): Run {
    const receiver = this.#optionalOperand(macro.receiver);
    const fallback = this.compile(macro.arg);
    return (f) => {
      f.cost++;
      const value = receiver(f);
      if (value === undefined) return fallback(f);
      if (!(value instanceof Optional)) return value;
      const held = value.orValue(undefined);
      return held === undefined ? fallback(f) : held;
    };
  }

  /** `x.or(o)` (a non-optional `x` is returned unchanged: optional-receivers.ts). */
  #or(macro: OptionalMacro): Run {
    const receiver = this.compile(macro.receiver);
    const fallback = this.compile(macro.arg);
    return (f) => {
      f.cost++;
      const value = receiver(f);
      if (!(value instanceof Optional) || value.hasValue()) return value;
      const other = fallback(f);
      if (other instanceof Optional) return other;
      throw BAIL;
    };
  }

  /** `has(e.a.b)`: evaluates `e`, then looks each field up without evaluating the selections (no cost for them). */
  #has(macro: HasMacro): Run {
    const props = macro.macroHasProps;
    if (!props || props.length < 2) throw new Unsupported('has() before type-checking');
    const base = this.compile(props[props.length - 1]!);
    return (f) => {
      f.cost++;
      let value = base(f);
      let optionalContext = false;
      for (let i = props.length - 2; i >= 0; i--) {
        const prop = props[i]!;
        if (prop.op === '.?') optionalContext = true;
        const key = (prop.args as [Node, string])[1];
        if (isPlainMap(value)) value = hasOwn(value, key) ? value[key] : undefined;
        else value = f.ev.debugType(value).fieldLazy(value, key, prop, f.ev);
        if (value !== undefined) continue;
        // A missing field in the middle of a plain selection is an error (the interpreter reports it).
        if (!optionalContext && i > 0 && prop.op === '.') throw BAIL;
        break;
      }
      return value !== undefined;
    };
  }
}

const INT_COMPARISONS: Record<string, (a: bigint, b: bigint) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

interface OptionalStep {
  node: Node;
  key: string;
  handle: (...args: unknown[]) => unknown;
}

function isOptionalSelection(node: Node): boolean {
  return node.op === '.?' && !node.meta.alternate && !node.meta.macro;
}

/** One step of an optional chain: the entry of a map, or what the selection's handler finds; undefined for none. */
function selectOptional(object: unknown, step: OptionalStep, f: Frame): unknown {
  const key = step.key;
  if (isPlainMap(object)) {
    const value = object[key];
    return value !== undefined && hasOwn(object, key) ? value : undefined;
  }
  if (object instanceof Optional) {
    object = object.orValue(undefined);
    if (object === undefined) return undefined;
    if (isPlainMap(object)) return hasOwn(object, key) ? object[key] : undefined;
  }
  return (step.handle(object, key, step.node, f.ev) as Optional).orValue(undefined);
}

/** A run that also charges its value's size. */
function sizedRun(run: Run): Run {
  return (f) => {
    const value = run(f);
    if (typeof value !== 'boolean') f.cost += sizeCost(value);
    return value;
  };
}

function handleOf(node: Node): (...args: unknown[]) => unknown {
  if (typeof node.handle !== 'function') throw new Unsupported(`${node.op} without a handler`);
  return node.handle;
}

/**
 * Whether the type checker chose the evaluator's dynamic handler (the operand's type is `dyn`), which reads plain
 * objects as maps and lists by index; a statically typed operand has a handler with its own rules.
 */
function readsAsDyn(handle: (...args: unknown[]) => unknown, dynamicHandler: string): boolean {
  return handle.name === dynamicHandler;
}

function isHas(node: Node): boolean {
  return node.op === 'call' && (node.args as [string])[0] === 'has';
}

/** What a comprehension iterates: a list's elements, a map's keys. */
function itemsOf(iterable: unknown): readonly unknown[] {
  if (Array.isArray(iterable)) return iterable;
  if (iterable instanceof Set) return [...iterable];
  if (iterable instanceof Map) return [...iterable.keys()];
  if (typeof iterable === 'object' && iterable !== null) return Object.keys(iterable);
  throw BAIL;
}
