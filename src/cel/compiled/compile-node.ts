// Compiles a checked, cost-instrumented cel-js AST into JavaScript: one generated function per node, each reading
// its operands by calling its children's functions by name. Generated code, unlike a tree of shared closures, gives
// every node its own function, so V8 sees one callee at each call site and inlines the small ones: a whole
// expression runs as a few straight-line functions. JSON values are read without type lookups, optional chains
// without an Optional per step, and comprehension variables live in frame slots instead of overlay contexts.
//
// Only structure is generated: every name, key, literal, handler and AST node the code uses is passed in as a
// constant (`k<i>`), never written into the source, so nothing an expression contains becomes code.
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
import { inheritedByPlainObjects } from '../values.js';
import type { AstNode } from '../instrument.js';
import { BAIL, isJsonValue, isPlainMap, NONE, type Evaluator, type Run } from './frame.js';

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

/** What generated code reads besides its constants. */
const RUNTIME = { BAIL, NONE, Optional, sizeCost, isJsonValue, isPlainMap, hasOwn: Object.hasOwn, BoundVariables, selectOptional, itemsOf };
const PRELUDE = `const { ${Object.keys(RUNTIME).join(', ')} } = runtime;`;

const COMPARISON_OPERATORS: Readonly<Record<string, string>> = { '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

export class NodeCompiler {
  /** Frame slots used: one per comprehension variable and accumulator. */
  slotCount = 0;
  /** Comprehension variables in scope, innermost last. */
  readonly #scopes: { name: string; slot: number }[] = [];
  /** Accumulator slots of the enclosing comprehensions, innermost last. */
  readonly #accumulators: number[] = [];
  /** Values the generated code refers to, as `k<i>`. */
  readonly #constants: unknown[] = [];
  readonly #constantIndex = new Map<unknown, number>();
  /** One function declaration per compiled node. */
  readonly #functions: string[] = [];

  constructor(private readonly argumentNodes: ReadonlySet<AstNode>) {}

  /**
   * The expression's evaluation: the generated functions, instantiated. Throws Unsupported for an expression this
   * compiler does not handle, or when the platform forbids generating code.
   */
  link(root: Node): Run {
    const entry = this.compile(root);
    // Constants as `const` bindings, which the optimizing compiler can fold (and inline the functions among them).
    const constants = this.#constants.map((_, i) => `k${i} = k[${i}]`).join(', ');
    const source = `${PRELUDE}\n${constants ? `const ${constants};\n` : ''}${this.#functions.join('\n')}\nreturn ${entry};`;
    try {
      return new Function('runtime', 'k', source)(RUNTIME, this.#constants) as Run;
    } catch (error) {
      // Code generation disabled (--disallow-code-generation-from-strings): the interpreter evaluates.
      if (error instanceof EvalError) throw new Unsupported(`code generation failed: ${error.message}`);
      throw error;
    }
  }

  /** The name of a function giving the node's value with its cost: 1, plus its size when it is an operand. */
  compile(node: Node): string {
    const { run, sized } = this.#operand(node);
    return sized ? this.#sized(run) : run;
  }

  /** `k<i>`: how generated code names a value. */
  #k(value: unknown): string {
    let index = this.#constantIndex.get(value);
    if (index === undefined) {
      index = this.#constants.push(value) - 1;
      this.#constantIndex.set(value, index);
    }
    return `k${index}`;
  }

  /** Declares a function of the frame `f` with this body; returns its name. */
  #fn(body: string): string {
    const name = `n${this.#functions.length}`;
    this.#functions.push(`function ${name}(f) {\n${body}\n}`);
    return name;
  }

  /**
   * The node's evaluation, and whether the caller must add its value's size (a parent that evaluates operands
   * itself charges their sizes inline). A literal's size is known: it is charged with the node.
   */
  #operand(node: Node): { run: string; sized: boolean } {
    const sized = this.argumentNodes.has(node);
    if (node.op !== 'value' || node.meta.alternate || node.meta.macro) return { run: this.#body(node), sized };
    const value = node.args;
    const cost = 1 + (sized && typeof value !== 'boolean' ? sizeCost(value) : 0);
    return { run: this.#fn(`f.cost += ${cost}; return ${this.#k(value)};`), sized: false };
  }

  #sized(run: string): string {
    return this.#fn(`const value = ${run}(f); if (typeof value !== 'boolean') f.cost += sizeCost(value); return value;`);
  }

  #body(node: Node): string {
    const meta = node.meta;
    if (meta.alternate) return this.#fn(`f.cost++; return ${this.compile(meta.alternate as Node)}(f);`);
    if (meta.macro) return this.#macro(node, meta.macro);
    switch (node.op) {
      case 'value':
        return this.#fn(`f.cost++; return ${this.#k(node.args)};`);
      case 'id':
        return this.#identifier(node);
      case '.':
        return this.#select(node);
      case '.?':
        return this.#fn(`const value = ${this.#optionalSelect(node)}(f); return value === undefined ? NONE : Optional.of(value);`);
      case '[]':
        return this.#index(node);
      case 'call':
        return this.#call(node, (node.args as [string, Node[]])[1], (handle, args) => `${handle}(${args}, ${this.#k(node)}, f.ev)`);
      case 'rcall':
        return this.#methodCall(node);
      case 'list':
        return this.#list(node);
      case 'comprehension':
        return this.#comprehension(node);
      case 'accuValue':
        return this.#fn(`f.cost++; return f.slots[${this.#accumulator()}];`);
      case 'accuInc': {
        const slot = this.#accumulator();
        return this.#fn(`f.cost++; return (f.slots[${slot}] = f.slots[${slot}] + 1);`);
      }
      case 'accuPush': {
        const slot = this.#accumulator();
        const item = this.compile(node.args as Node);
        return this.#fn(`f.cost++; const list = f.slots[${slot}]; list.push(${item}(f)); return list;`);
      }
      case '?:':
        return this.#ternary(node);
      case '||':
      case '&&':
        return this.#logical(node, node.op === '||');
      case '!_':
        return this.#fn(`f.cost++; const value = ${this.compile(node.args as Node)}(f); return typeof value === 'boolean' ? !value : ${this.#handle(node)}(value, ${this.#k(node)}, f.ev);`);
      case '-_':
        return this.#fn(`f.cost++; return ${this.#handle(node)}(${this.compile(node.args as Node)}(f), ${this.#k(node)}, f.ev);`);
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

  #identifier(node: Node): string {
    const name = node.args as string;
    for (let i = this.#scopes.length - 1; i >= 0; i--) {
      if (this.#scopes[i]!.name === name) return this.#fn(`f.cost++; return f.slots[${this.#scopes[i]!.slot}];`);
    }
    // As the interpreter's root context reads it; anything unusual: BAIL.
    const type = node.checkedType;
    if (!type) return this.#fn(`f.cost++; const ctx = f.ctx; if (ctx !== undefined) return ctx.getCheckedValue(f.ev, ${this.#k(node)}); throw BAIL;`);
    const read = `f.cost++;
const ctx = f.ctx;
if (ctx !== undefined) return ctx.getCheckedValue(f.ev, ${this.#k(node)});
const value = f.activation[${this.#k(name)}];
if (value === undefined) throw BAIL;`;
    const matches = `${this.#k(type)}.matchesValueType(value, f.ev)`;
    if (type.kind !== 'message') return this.#fn(`${read}\nif (!${matches}) throw BAIL;\nreturn value;`);
    // A message type is told by the object's constructor alone: the last one that matched is remembered
    // (`variables` is an instance of the same class every time, and the type lookup is a map search).
    const seen = `s${this.#functions.length}`;
    this.#functions.push(`let ${seen};`);
    return this.#fn(`${read}
if (typeof value === 'object' && value !== null && value.constructor === ${seen}) return value;
if (!${matches}) throw BAIL;
${seen} = value.constructor;
return value;`);
  }

  /** `a.b`: a JSON map's entry directly when the interpreter would read it as a map; anything else by its handler. */
  #select(node: Node): string {
    const [leftNode, key] = node.args as [Node, string];
    const left = this.compile(leftNode);
    const handle = this.#handle(node);
    const k = this.#k(key);
    const fallback = `return ${handle}(object, ${k}, ${this.#k(node)}, f.ev);`;
    if (!readsAsDyn(node, 'fieldAccess')) {
      // `variables.x`: every field is a dyn variable, read by its getter (a failed variable throws).
      return this.#fn(`f.cost++; const object = ${left}(f);
if (object instanceof BoundVariables) { const value = object[${k}]; if (value !== undefined && isJsonValue(value)) return value; }
${fallback}`);
    }
    return this.#fn(`f.cost++; const object = ${left}(f);
if (isPlainMap(object)) {
const value = ${this.#entry('object', key, k)};
if (value !== undefined) { const type = typeof value; if (type === 'string' || type === 'boolean' || type === 'bigint' || isJsonValue(value)) return value; }
}
${fallback}`);
  }

  /**
   * The own entry `key` of the plain map `map`, or undefined. A key no plain object inherits (`spec`, unlike
   * `constructor`) is an own entry wherever it is found.
   */
  #entry(map: string, key: string, k: string): string {
    return inheritedByPlainObjects(key) ? `(hasOwn(${map}, ${k}) ? ${map}[${k}] : undefined)` : `${map}[${k}]`;
  }

  /**
   * `a.?b.?c` as the value it holds, or undefined for none — what every consumer of an optional chain needs; the
   * interpreter's Optional is built only where the optional itself is the result. Each selection costs 1, whether
   * or not an earlier one found nothing (an optional has no size).
   */
  #optionalSelect(node: Node): string {
    const steps: OptionalStep[] = [];
    let base = node;
    while (isOptionalSelection(base)) {
      const [leftNode, key] = base.args as [Node, string];
      steps.unshift({ node: base, key, handle: handleOf(base) });
      base = leftNode;
    }
    const lines = [`f.cost += ${steps.length}; let o = ${this.compile(base)}(f);`];
    for (const step of steps) {
      const k = this.#k(step.key);
      lines.push(`if (o === undefined) return o; o = isPlainMap(o) ? ${this.#entry('o', step.key, k)} : selectOptional(o, ${this.#k(step)}, f.ev);`);
    }
    lines.push('return o;');
    return this.#fn(lines.join('\n'));
  }

  /** An operand read through `.?` or `orValue`: an optional selection stays unwrapped. */
  #optionalOperand(node: Node): string {
    return isOptionalSelection(node) ? this.#optionalSelect(node) : this.compile(node);
  }

  /** `a[i]`: a list element directly for an int index in range; anything else by its handler. */
  #index(node: Node): string {
    const [leftNode, indexNode] = node.args as [Node, Node];
    const left = this.compile(leftNode);
    const index = this.compile(indexNode);
    const fast = readsAsDyn(node, 'fieldAccess')
      ? `if (Array.isArray(list) && typeof i === 'bigint' && i >= 0n && i < BigInt(list.length)) { const value = list[Number(i)]; if (value !== undefined) return value; }\n`
      : '';
    return this.#fn(`f.cost++; const list = ${left}(f); const i = ${index}(f);
${fast}return ${this.#handle(node)}(list, i, ${this.#k(node)}, f.ev);`);
  }

  /** Evaluates the operands from last to first, as the interpreter does, then calls the handler. */
  #call(node: Node, operands: readonly Node[], invoke: (handle: string, args: string) => string): string {
    const runs = operands.map((operand) => this.compile(operand));
    const names = runs.map((_, i) => `a${i}`);
    const evaluate = runs.map((run, i) => `const a${i} = ${run}(f);`).reverse().join(' ');
    return this.#fn(`f.cost++; ${evaluate}
const result = ${invoke(this.#handle(node), `[${names.join(', ')}]`)};
if (result instanceof Promise) throw BAIL;
return result;`);
  }

  #methodCall(node: Node): string {
    const [name, , params] = node.args as [string, Node, Node[]];
    const operands = node.receiverWithArgs;
    if (!operands) throw new Unsupported('method call without operands');
    const invoke = (handle: string, args: string) => `${handle}(${args}, f.ev, ${this.#k(node)})`;
    if (name === 'size' && params.length === 0) {
      // The list's size without the overload lookup; strings (code points) and maps go to the handler.
      return this.#fn(`f.cost++; const value = ${this.compile(operands[0]!)}(f);
if (Array.isArray(value)) return BigInt(value.length);
const result = ${invoke(this.#handle(node), '[value]')};
if (result instanceof Promise) throw BAIL;
return result;`);
    }
    return this.#call(node, operands, invoke);
  }

  #list(node: Node): string {
    const runs = (node.args as Node[]).map((element) => this.compile(element));
    const evaluate = runs.map((run, i) => `const e${i} = ${run}(f);`).reverse().join(' ');
    return this.#fn(`f.cost++; ${evaluate} return [${runs.map((_, i) => `e${i}`).join(', ')}];`);
  }

  #comprehension(node: Node): string {
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
    const iterType = args.iterCtx.iterType;
    return this.#fn(`f.cost++;
const items = itemsOf(${iterable}(f));
let accu = ${init}(f);
f.slots[${accuSlot}] = accu;
for (let i = 0; i < items.length; i++) {
${args.condition ? `if (!${this.#k(args.condition)}(accu)) break;` : ''}
const item = items[i];
${iterType.kind !== 'dyn' ? `if (!${this.#k(iterType)}.matchesValueType(item, f.ev)) throw BAIL;` : ''}
f.slots[${itemSlot}] = item;
accu = ${step}(f);
f.checkBudget();
}
return ${this.#k(args.result)}(accu);`);
  }

  #accumulator(): number {
    const slot = this.#accumulators.at(-1);
    if (slot === undefined) throw new Unsupported('accumulator outside a comprehension');
    return slot;
  }

  #ternary(node: Node): string {
    const [condition, whenTrue, whenFalse] = (node.args as Node[]).map((n) => this.compile(n)) as [string, string, string];
    return this.#fn(`f.cost++; const condition = ${condition}(f);
if (condition === true) return ${whenTrue}(f);
if (condition === false) return ${whenFalse}(f);
throw BAIL;`);
  }

  /** `||` and `&&` on booleans; an error or a non-boolean operand (which CEL may still absorb) goes to the interpreter. */
  #logical(node: Node, isOr: boolean): string {
    const [left, right] = (node.args as Node[]).map((n) => this.compile(n)) as [string, string];
    return this.#fn(`f.cost++; const l = ${left}(f);
if (l === ${isOr}) return l;
if (l !== ${!isOr}) throw BAIL;
const r = ${right}(f);
if (typeof r !== 'boolean') throw BAIL;
return r;`);
  }

  #binary(node: Node): string {
    // Both operands of an operator are charged their size (instrument.ts); charged here, not by a wrapper.
    const [l, r] = (node.args as Node[]).map((n) => this.#operand(n)) as [{ run: string; sized: boolean }, { run: string; sized: boolean }];
    const handle = `${this.#handle(node)}(a, b, ${this.#k(node)}, f.ev)`;
    const operands = `const a = ${l.run}(f);${l.sized ? " if (typeof a !== 'boolean') f.cost += sizeCost(a);" : ''}
const b = ${r.run}(f);${r.sized ? " if (typeof b !== 'boolean') f.cost += sizeCost(b);" : ''}`;
    switch (node.op) {
      case '==':
      case '!=':
        // Strings, bools and ints of the same type are equal exactly when identical, for every overload.
        return this.#fn(`f.cost++; ${operands}
const type = typeof a;
if (type === typeof b && (type === 'string' || type === 'boolean' || type === 'bigint')) return a ${node.op === '==' ? '===' : '!=='} b;
return ${handle};`);
      case 'in':
        // A string in a list of strings (the interpreter types the list by its first element).
        return this.#fn(`f.cost++; ${operands}
if (typeof a === 'string' && Array.isArray(b) && (b.length === 0 || typeof b[0] === 'string')) return b.includes(a);
return ${handle};`);
      case '+':
        // Lists where one is empty: the other's elements (an empty list joins a list of any type).
        return this.#fn(`f.cost++; ${operands}
if (Array.isArray(a) && Array.isArray(b) && (a.length === 0 || b.length === 0)) return a.length === 0 ? b.slice() : a.slice();
return ${handle};`);
      case '<':
      case '<=':
      case '>':
      case '>=':
        return this.#fn(`f.cost++; ${operands}
if (typeof a === 'bigint' && typeof b === 'bigint') return a ${COMPARISON_OPERATORS[node.op]} b;
return ${handle};`);
      default:
        return this.#fn(`f.cost++; ${operands}
return ${handle};`);
    }
  }

  #macro(node: Node, macro: unknown): string {
    const optional = macro as Partial<OptionalMacro>;
    if (optional.functionDesc === 'optional.orValue(value)') return this.#orValue(optional as OptionalMacro);
    if (optional.functionDesc === 'optional.or(optional)') return this.#or(optional as OptionalMacro);
    if (isHas(node)) return this.#has(macro as HasMacro);
    throw new Unsupported(`macro of ${node.op}`);
  }

  /** `x.orValue(d)` (a non-optional `x` is returned unchanged: optional-receivers.ts). */
  #orValue(macro: OptionalMacro): string {
    const receiver = this.#optionalOperand(macro.receiver);
    const fallback = this.compile(macro.arg);
    return this.#fn(`f.cost++; const value = ${receiver}(f);
if (value === undefined) return ${fallback}(f);
if (!(value instanceof Optional)) return value;
const held = value.orValue(undefined);
return held === undefined ? ${fallback}(f) : held;`);
  }

  /** `x.or(o)` (a non-optional `x` is returned unchanged: optional-receivers.ts). */
  #or(macro: OptionalMacro): string {
    const receiver = this.compile(macro.receiver);
    const fallback = this.compile(macro.arg);
    return this.#fn(`f.cost++; const value = ${receiver}(f);
if (!(value instanceof Optional) || value.hasValue()) return value;
const other = ${fallback}(f);
if (other instanceof Optional) return other;
throw BAIL;`);
  }

  /** `has(e.a.b)`: evaluates `e`, then looks each field up without evaluating the selections (no cost for them). */
  #has(macro: HasMacro): string {
    const props = macro.macroHasProps;
    if (!props || props.length < 2) throw new Unsupported('has() before type-checking');
    const lines = [`f.cost++; let value = ${this.compile(props[props.length - 1]!)}(f);`];
    let optionalContext = false;
    for (let i = props.length - 2; i >= 0; i--) {
      const prop = props[i]!;
      if (prop.op === '.?') optionalContext = true;
      const key = (prop.args as [Node, string])[1];
      const k = this.#k(key);
      lines.push(`value = isPlainMap(value) ? ${this.#entry('value', key, k)} : f.ev.debugType(value).fieldLazy(value, ${k}, ${this.#k(prop)}, f.ev);`);
      // A missing field in the middle of a plain selection is an error (the interpreter reports it).
      lines.push(`if (value === undefined) ${!optionalContext && i > 0 && prop.op === '.' ? 'throw BAIL' : 'return false'};`);
    }
    lines.push('return true;');
    return this.#fn(lines.join('\n'));
  }

  #handle(node: Node): string {
    return this.#k(handleOf(node));
  }
}

interface OptionalStep {
  node: Node;
  key: string;
  handle: (...args: unknown[]) => unknown;
}

function isOptionalSelection(node: Node): boolean {
  return node.op === '.?' && !node.meta.alternate && !node.meta.macro;
}

/** One step of an optional chain on what is not a plain map: what the selection's handler finds; undefined for none. */
function selectOptional(object: unknown, step: OptionalStep, ev: Evaluator): unknown {
  const key = step.key;
  if (object instanceof Optional) {
    object = object.orValue(undefined);
    if (object === undefined) return undefined;
    if (isPlainMap(object)) return Object.hasOwn(object, key) ? object[key] : undefined;
  }
  return (step.handle(object, key, step.node, ev) as Optional).orValue(undefined);
}

function handleOf(node: Node): (...args: unknown[]) => unknown {
  if (typeof node.handle !== 'function') throw new Unsupported(`${node.op} without a handler`);
  return node.handle;
}

/**
 * Whether the type checker chose the evaluator's dynamic handler (the operand's type is `dyn`), which reads plain
 * objects as maps and lists by index; a statically typed operand has a handler with its own rules.
 */
function readsAsDyn(node: Node, dynamicHandler: string): boolean {
  return handleOf(node).name === dynamicHandler;
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
