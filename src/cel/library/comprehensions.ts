// Two-variable comprehensions (cel-go ext.TwoVarComprehensions, enabled in Kubernetes 1.32+):
//   list.all(i, v, p)  map.all(k, v, p)  exists(…)  existsOne(…)
//   transformList(i, v, [filter,] t)  transformMap(k, v, [filter,] t)  transformMapEntry(k, v, [filter,] {k2: v2})
// Implemented as evaluator macros: the body is checked and run in a context holding both variables.
import { celError } from '../fail.js';
import type { CelLibrary } from '../library.js';

interface Node {
  op: string;
  args: unknown;
}
interface Checker {
  dynType: unknown;
  check(node: Node, ctx: Scope): unknown;
  getType(name: string): unknown;
}
interface Evaluator {
  dynType: unknown;
  run(node: Node, ctx: Scope): unknown;
}
interface Scope {
  forkWithVariable(name: string, type: unknown): Scope;
  setIterValue(value: unknown, ev: Evaluator): Scope;
}
interface Macro {
  receiver: Node;
  first: string;
  second: string;
  filter?: Node;
  body: Node;
}

type Kind = 'all' | 'exists' | 'existsOne' | 'transformList' | 'transformMap' | 'transformMapEntry';

function identifier(node: Node, kind: Kind): string {
  if (node.op !== 'id' || typeof node.args !== 'string') throw celError(`${kind}() variable names must be simple identifiers`);
  return node.args;
}

function entriesOf(value: unknown, kind: Kind): [unknown, unknown][] {
  if (Array.isArray(value)) return value.map((v, i) => [BigInt(i), v]);
  if (value instanceof Map) return [...value];
  if (typeof value === 'object' && value !== null) return Object.entries(value);
  throw celError(`${kind}() requires a list or map receiver`);
}

function run(ev: Evaluator, macro: Macro, ctx: Scope, kind: Kind): unknown {
  const items = entriesOf(ev.run(macro.receiver, ctx), kind);
  const outer = ctx.forkWithVariable(macro.first, ev.dynType);
  const inner = outer.forkWithVariable(macro.second, ev.dynType);
  const bodyFor = (key: unknown, value: unknown, node: Node) => {
    outer.setIterValue(key, ev);
    inner.setIterValue(value, ev);
    return ev.run(node, inner);
  };
  const predicate = (key: unknown, value: unknown, node: Node): boolean => {
    const r = bodyFor(key, value, node);
    if (typeof r !== 'boolean') throw celError(`${kind}() predicate must return bool`);
    return r;
  };
  switch (kind) {
    case 'all':
    case 'exists': {
      // Like the one-variable macros: an error only matters when no element decides the result.
      const decisive = kind === 'exists';
      let error: unknown;
      for (const [k, v] of items) {
        try {
          if (predicate(k, v, macro.body) === decisive) return decisive;
        } catch (e) {
          error ??= e;
        }
      }
      if (error !== undefined) throw error;
      return !decisive;
    }
    case 'existsOne': {
      let count = 0;
      for (const [k, v] of items) if (predicate(k, v, macro.body)) count++;
      return count === 1;
    }
    case 'transformList': {
      const out: unknown[] = [];
      for (const [k, v] of items) if (!macro.filter || predicate(k, v, macro.filter)) out.push(bodyFor(k, v, macro.body));
      return out;
    }
    case 'transformMap': {
      const out = new Map<unknown, unknown>();
      for (const [k, v] of items) if (!macro.filter || predicate(k, v, macro.filter)) out.set(k, bodyFor(k, v, macro.body));
      return out;
    }
    case 'transformMapEntry': {
      const out = new Map<unknown, unknown>();
      for (const [k, v] of items) {
        if (macro.filter && !predicate(k, v, macro.filter)) continue;
        const entry = entriesOf(bodyFor(k, v, macro.body), kind);
        if (entry.length !== 1) throw celError('transformMapEntry() transform must produce a map with exactly one entry');
        const [ek, ev2] = entry[0]!;
        if ([...out.keys()].some((x) => x === ek)) throw celError(`transformMapEntry() produced a duplicate key: ${String(ek)}`);
        out.set(ek, ev2);
      }
      return out;
    }
  }
}

function resultType(checker: Checker, kind: Kind): unknown {
  if (kind === 'transformList') return checker.getType('list');
  if (kind === 'transformMap' || kind === 'transformMapEntry') return checker.getType('map');
  return checker.getType('bool');
}

function expander(kind: Kind, withFilter: boolean) {
  return ({ args, receiver }: { args: Node[]; receiver: Node }) => {
    const macro: Macro = {
      receiver,
      first: identifier(args[0]!, kind),
      second: identifier(args[1]!, kind),
      filter: withFilter ? args[2] : undefined,
      body: args[withFilter ? 3 : 2]!,
    };
    if (macro.first === macro.second) throw celError(`${kind}() variable names must be different`);
    return {
      async: false,
      typeCheck(checker: Checker, _m: unknown, ctx: Scope) {
        checker.check(receiver, ctx);
        const scope = ctx.forkWithVariable(macro.first, checker.dynType).forkWithVariable(macro.second, checker.dynType);
        if (macro.filter) checker.check(macro.filter, scope);
        checker.check(macro.body, scope);
        return resultType(checker, kind);
      },
      evaluate(ev: Evaluator, _m: unknown, ctx: Scope) {
        return run(ev, macro, ctx, kind);
      },
    };
  };
}

const macro = (name: string, kind: Kind, arity: 3 | 4, returns: string) => ({
  signature: `dyn.${name}(${new Array(arity).fill('ast').join(', ')}): ${returns}`,
  handler: expander(kind, arity === 4),
});

export const comprehensionsLibrary: CelLibrary = {
  name: 'cel.twoVarComprehensions',
  functions: [
    macro('all', 'all', 3, 'bool'),
    macro('exists', 'exists', 3, 'bool'),
    macro('existsOne', 'existsOne', 3, 'bool'),
    macro('exists_one', 'existsOne', 3, 'bool'),
    macro('transformList', 'transformList', 3, 'list<dyn>'),
    macro('transformList', 'transformList', 4, 'list<dyn>'),
    macro('transformMap', 'transformMap', 3, 'map<dyn, dyn>'),
    macro('transformMap', 'transformMap', 4, 'map<dyn, dyn>'),
    macro('transformMapEntry', 'transformMapEntry', 3, 'map<dyn, dyn>'),
    macro('transformMapEntry', 'transformMapEntry', 4, 'map<dyn, dyn>'),
  ],
};
