// Finds what an expression reads of `object` and `oldObject` (directly, through `request.object`, through
// `variables` or comprehension variables) and records it in an ObjectReads tree (read-tree.ts), from the checked
// AST, before it is ever evaluated.
//
// Sound by construction: a value taken from an object keeps its place in the tree while it is only selected from,
// indexed, iterated, concatenated, defaulted (`orValue`) or chosen by `?:`; anything else done with it (compared,
// passed to a function or macro, put in a literal, returned as a result) reads it whole. A node or macro this
// analysis does not know makes every object read whole.
import type { AstNode } from '../instrument.js';
import type { ObjectReads, ReadTree } from './read-tree.js';

/** `request`: its `object` and `oldObject` are the judged objects; the rest is always converted whole. */
const REQUEST: unique symbol = Symbol('request');
/** `variables`: each field is what its expression reaches. */
const VARIABLES: unique symbol = Symbol('variables');

type Place = ReadTree | typeof REQUEST | typeof VARIABLES;
/** Where a value may come from: the places of the objects it may be (empty: from none). */
type Reach = readonly Place[];

const NOWHERE: Reach = [];

interface ComprehensionArgs {
  iterable: AstNode;
  iterVarName: string;
  init: AstNode;
  step: AstNode;
}

const CONSUMING_OPERATORS = new Set(['==', '!=', 'in', '-', '*', '/', '%', '<', '<=', '>', '>=', '||', '&&']);

/** The reads of one set of expressions sharing variables (one policy). */
export class ReadAnalysis {
  readonly #variables = new Map<string, Reach>();

  constructor(private readonly reads: ObjectReads) {}

  /**
   * Records what a checked expression reads. A variable's value is kept where it came from, for the expressions
   * that use `variables.<name>`; any other expression's result is read whole.
   */
  record(root: AstNode, variable?: string): void {
    const reach = new Walk(this.reads, this.#variables).reach(root);
    if (variable === undefined) consume(reach, this.reads, this.#variables);
    else this.#variables.set(variable, reach);
  }
}

class Walk {
  readonly #scopes: { name: string; reach: Reach }[] = [];

  constructor(
    private readonly reads: ObjectReads,
    private readonly variables: ReadonlyMap<string, Reach>,
  ) {}

  reach(node: AstNode): Reach {
    const meta = node.meta;
    if (meta.alternate) return this.reach(meta.alternate);
    if (meta.macro) return this.#macro(meta.macro);
    switch (node.op) {
      case 'value':
        return NOWHERE;
      case 'id':
        return this.#identifier(node.args as string);
      case '.':
      case '.?': {
        const [left, key] = node.args as [AstNode, string];
        return this.#select(this.reach(left), key);
      }
      case '[]':
      case '[?]': {
        const [left, index] = node.args as [AstNode, AstNode];
        const from = this.reach(left);
        this.#consume(this.reach(index));
        const key = index.op === 'value' && !index.meta.alternate && !index.meta.macro ? index.args : undefined;
        return typeof key === 'string' ? this.#select(from, key) : this.#elements(from);
      }
      case 'call':
        return this.#consumeAll((node.args as [string, AstNode[]])[1]);
      case 'rcall': {
        const [, receiver, params] = node.args as [string, AstNode, AstNode[]];
        return this.#consumeAll([receiver, ...params]);
      }
      case 'list':
        return this.#consumeAll(node.args as AstNode[]);
      case 'map':
        return this.#consumeAll((node.args as [AstNode, AstNode][]).flat());
      case 'comprehension':
        return this.#comprehension(node.args as ComprehensionArgs);
      case 'accuValue':
      case 'accuInc':
        return NOWHERE;
      case 'accuPush':
        return this.#consumeAll([node.args as AstNode]);
      case '?:': {
        const [condition, whenTrue, whenFalse] = node.args as [AstNode, AstNode, AstNode];
        this.#consume(this.reach(condition));
        return [...this.reach(whenTrue), ...this.reach(whenFalse)];
      }
      case '+': {
        // List concatenation keeps the elements where they came from (a sum of numbers converts them, as the
        // places of scalars always are).
        const [left, right] = node.args as [AstNode, AstNode];
        return [...this.reach(left), ...this.reach(right)];
      }
      case '!_':
      case '-_':
        return this.#consumeAll([node.args as AstNode]);
      default:
        if (CONSUMING_OPERATORS.has(node.op)) return this.#consumeAll(node.args as AstNode[]);
        this.reads.everything();
        return NOWHERE;
    }
  }

  #identifier(name: string): Reach {
    for (let i = this.#scopes.length - 1; i >= 0; i--) if (this.#scopes[i]!.name === name) return this.#scopes[i]!.reach;
    switch (name) {
      case 'object':
        return [this.reads.object];
      case 'oldObject':
        return [this.reads.oldObject];
      case 'request':
        return [REQUEST];
      case 'variables':
        return [VARIABLES];
      default:
        return NOWHERE;
    }
  }

  #select(from: Reach, key: string): Reach {
    const out: Place[] = [];
    for (const place of from) {
      if (place === REQUEST) {
        if (key === 'object') out.push(this.reads.object);
        else if (key === 'oldObject') out.push(this.reads.oldObject);
      } else if (place === VARIABLES) {
        const variable = this.variables.get(key);
        if (variable === undefined) this.reads.everything();
        else out.push(...variable);
      } else {
        out.push(place.child(key));
      }
    }
    return out;
  }

  #elements(from: Reach): Reach {
    const out: Place[] = [];
    for (const place of from) {
      if (place === REQUEST || place === VARIABLES) consume([place], this.reads, this.variables);
      else out.push(place.element());
    }
    return out;
  }

  #macro(macro: Record<string, unknown>): Reach {
    const desc = macro.functionDesc;
    if (desc === 'optional.orValue(value)' || desc === 'optional.or(optional)') {
      return [...this.reach(macro.receiver as AstNode), ...this.reach(macro.arg as AstNode)];
    }
    const props = macro.macroHasProps as AstNode[] | undefined;
    if (props && props.length >= 2) {
      // has(e.a.b): the fields are looked up, present or not; nothing is read whole.
      let places = this.reach(props[props.length - 1]!);
      for (let i = props.length - 2; i >= 0; i--) places = this.#select(places, (props[i]!.args as [AstNode, string])[1]);
      return NOWHERE;
    }
    this.reads.everything();
    return NOWHERE;
  }

  #comprehension(args: ComprehensionArgs): Reach {
    const elements = this.#elements(this.reach(args.iterable));
    this.#consume(this.reach(args.init));
    this.#scopes.push({ name: args.iterVarName, reach: elements });
    this.#consume(this.reach(args.step));
    this.#scopes.pop();
    return NOWHERE;
  }

  #consumeAll(nodes: readonly AstNode[]): Reach {
    for (const node of nodes) this.#consume(this.reach(node));
    return NOWHERE;
  }

  #consume(reach: Reach): void {
    consume(reach, this.reads, this.variables);
  }
}

/** The values are used whole: their places, and everything under them, are read whole. */
function consume(reach: Reach, reads: ObjectReads, variables: ReadonlyMap<string, Reach>): void {
  for (const place of reach) {
    if (place === REQUEST) {
      reads.object.readWhole();
      reads.oldObject.readWhole();
    } else if (place === VARIABLES) {
      for (const variable of variables.values()) consume(variable, reads, variables);
    } else {
      place.readWhole();
    }
  }
}
