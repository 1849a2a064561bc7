// A CEL library: the unit in which Gatehouse (and code built on it, such as the Kyverno extensions) adds
// functions, types and constants to the environment.
import type { Environment } from '@marcbachmann/cel-js';

/**
 * A function overload. `signature` uses the evaluator's syntax:
 *   'name(string, int): bool'            global function
 *   'string.name(int): string'           method on a receiver type
 *   'list<A>.name(): A'                  type parameters A, B, K, V, T
 *   'MyNamespace.name(string): dyn'      a namespaced function such as `format.named(…)` (see CelLibrary.constants)
 * Handlers receive CEL values (ints as BigInt, maps as objects or Map, lists as arrays) and return CEL values;
 * to fail, throw celError(message) so the error carries the call's position. Handlers must be synchronous
 * unless the caller awaits evaluate() (async handlers make it return a Promise).
 */
export interface CelFunction {
  signature: string;
  handler: (...args: never[]) => unknown;
  description?: string;
}

export interface CelOperator {
  signature: string;
  handler: (left: never, right: never) => unknown;
}

/** A type whose instances expressions receive from library functions (e.g. Quantity, URL, IP). */
export interface CelType {
  name: string;
  /** The class of the values (constructors may be private: values come from library functions). */
  ctor: Function;
  /** Fields expressions may select, with their CEL types; without it, any field is a `dyn`. */
  fields?: Readonly<Record<string, string>>;
}

/** A constant; a namespace object (e.g. `format`) is a constant of a library type with methods. */
export interface CelConstant {
  name: string;
  type: string;
  value: unknown;
}

export interface CelLibrary {
  /** For error messages and documentation, e.g. 'kubernetes.quantity'. */
  name: string;
  types?: readonly CelType[];
  constants?: readonly CelConstant[];
  functions?: readonly CelFunction[];
  /** Operator overloads for library types, e.g. { signature: 'kubernetes.Quantity == kubernetes.Quantity', … }. */
  operators?: readonly CelOperator[];
  /**
   * Replaces calls of a built-in function or method of the evaluator (key) with one of this library's (value),
   * where Kubernetes defines different semantics (e.g. `matches` must use RE2). Applied to every expression.
   */
  renames?: ReadonlyMap<string, string>;
  /**
   * Its functions' results depend on state outside the expression (objects looked up, a cluster, the network), so
   * an expression using them is evaluated every time, even one that reads no variable.
   */
  volatile?: boolean;
}

export function applyLibrary(env: Environment, library: CelLibrary): void {
  try {
    for (const type of library.types ?? []) env.registerType(type.name, (type.fields ? { ctor: type.ctor, fields: type.fields } : type.ctor) as never);
    for (const constant of library.constants ?? []) env.registerConstant(constant.name, constant.type, constant.value);
    for (const fn of library.functions ?? []) {
      env.registerFunction(fn.signature, fn.handler as never, fn.description ? { description: fn.description } : undefined);
    }
    for (const op of library.operators ?? []) env.registerOperator(op.signature, op.handler as never);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`CEL library ${library.name}: ${message}`);
  }
}

/** The names expressions use for a library's constants and functions (`image.parse(…)` → `image`, `parse`). */
export function namesOf(library: CelLibrary): string[] {
  const functions = (library.functions ?? []).map((fn) => {
    const name = fn.signature.slice(0, fn.signature.indexOf('('));
    return name.slice(name.lastIndexOf('.') + 1);
  });
  return [...(library.constants ?? []).map((c) => c.name), ...functions];
}
