// Gatehouse's CEL environment.
//
// Contract
// - Compile once, evaluate many times:
//     const env = new CelEnvironment({ variables: { object: 'dyn', params: 'dyn' } });
//     const program = env.compile('object.spec.replicas > 3');      // throws CelCompileError
//     program.evaluate({ object: deployment });                     // → true; throws CelEvaluationError
//   or compileExpression(expression, options) for a one-off. A CelEnvironment holds the declarations; create one
//   per policy (or per set of variables) and compile all its expressions with it.
// - Compile errors (syntax, type, unknown variable or function, length/depth/node bounds) and evaluation errors
//   carry the position: `message` is "line:column: summary" followed by the source line and a caret line;
//   `summary` and `position` are also available, so callers prefix the file, policy and field path.
// - Values in are JSON-like (values.ts): integral numbers are CEL `int`, others `double`, so
//   `object.spec.replicas > 3`, `size(x) == 0` and `x.count + 1` work as in the API server. Map entries with a
//   null value are dropped (absent, as after the API server's round-trip through typed objects): `has()` is false
//   and selecting them is a "no such key" error — use `has()`, `?.` or `.orValue()` for optional fields.
//   Callers that evaluate many expressions over the same objects convert them once with toCelValue and pass
//   `{ celActivation: true }`, or bind the converted values and one meter with bindActivation() and evaluate every
//   program with that (no copy per evaluation).
//   Values out are JSON-like: ints become numbers (BigInt beyond 2^53), optionals unwrap (none → undefined),
//   timestamps become RFC 3339 strings. Pass `{ raw: true }` to get CEL values instead.
// - An expression that reads no variable (e.g. a list of allowed values) and calls no function of a `volatile`
//   library is evaluated once; later evaluations reuse its value or error and are charged the same cost.
// - Semantics follow cel-go where the evaluator differs on what policies use: `x.orValue(d)` / `x.or(o)` return a
//   non-optional `x` unchanged (optional-receivers.ts); `has(e.f)` takes any expression `e` (presence.ts).
// - Every evaluation has a cost budget (cost.ts; default 1,000,000 like the API server's per-expression limit,
//   overridable per environment or evaluation). Exceeding it throws CelCostLimitError. Lazily evaluated
//   variables share the caller's budget through the bound activation's meter.
// - The Kubernetes libraries (strings, lists, regex with RE2, url, ip, cidr, quantity, semver, format, optional
//   types, two-variable comprehensions, time zones) are always present.
//
// Extending
// - Variables: declare them in `variables` with their CEL type ('dyn' for JSON objects that may be null, such
//   as oldObject on CREATE; 'map' when always an object). Lazily evaluated, composed variables (Kubernetes
//   `variables.<name>`): a LazyVariables declares them as the fields of a CEL type (add its `library`, declare
//   `variables` with its `typeName`), takes each compiled program, and is bound to a bound activation per
//   evaluation; each variable is evaluated at most once, on first use, and charged to the activation's meter. Variables
//   defined with a `shareAs` key are computed once for all bindings given the same SharedValues.
// - Functions, types and constants: pass `libraries: [myLibrary]` (a CelLibrary, library.ts). Namespaced
//   functions such as `image.parse(…)` are a constant `image` of a library type plus methods on that type.
//   Handlers fail with celError(message).
export { bindActivation, CelEnvironment, compileExpression, DEFAULT_COMPILE_LIMITS } from './environment.js';
export type { CelCompileLimits, CelCompileOptions, CelEnvironmentOptions, CelEvaluateOptions, CelProgram, CelTypeName } from './environment.js';
export { CelCompileError, CelCostLimitError, CelEvaluationError, type CelPosition } from './errors.js';
export { CostMeter, DEFAULT_COST_LIMIT } from './cost.js';
export type { CelConstant, CelFunction, CelLibrary, CelType } from './library.js';
export { celError } from './fail.js';
export { LazyVariables, type SharedValues } from './lazy.js';
export { convertToCel, fromCelValue, newCelMap, toCelValue } from './values.js';
export { ObjectReads, type ReadTree } from './reads/read-tree.js';
export { convertRead } from './reads/convert.js';
