// Compiles a ProgramSpec once and evaluates it the way the API server evaluates a ValidatingAdmissionPolicy:
// match conditions (all must be true; a false one means "does not apply"), then every validation, with lazily
// evaluated, composed `variables`, one cost budget shared by all expressions of an evaluation, and failurePolicy
// deciding what an evaluation error means.
import { bindActivation, CelCompileError, CelEnvironment, CostMeter, LazyVariables, type CelLibrary, type CelProgram } from '../../cel/index.js';
import { POLICY_OBJECT_READS, type CelActivation } from './cel-activation.js';
import type { FailurePolicy, NamedExpression, ProgramSpec, ValidationSpec } from './program-spec.js';

/** Total runtime cost of one policy evaluation (the API server's per-policy budget, RuntimeCELCostBudget). */
export const POLICY_COST_BUDGET = 10_000_000;

/** What every expression may reference besides `variables` (CelActivation holds their values). */
type ActivationName = 'object' | 'oldObject' | 'request' | 'params' | 'namespaceObject';

const ACTIVATION_VARIABLES: Record<ActivationName, string> = {
  object: 'dyn',
  oldObject: 'dyn',
  request: 'dyn',
  params: 'dyn',
  namespaceObject: 'dyn',
};

/** Variables that exist only with a live cluster; expressions that use them are reported, not silently passed. */
const CLUSTER_ONLY = /\bauthorizer\b/;

export interface ValidationOutcome {
  /** The validation's field path, e.g. `spec.validations[0]`. */
  path: string;
  status: 'pass' | 'fail' | 'error';
  message: string;
  reason?: string;
}

export type ProgramResult =
  | { kind: 'not-matched'; condition: string }
  | { kind: 'error'; message: string }
  | {
      kind: 'evaluated';
      validations: readonly ValidationOutcome[];
      auditAnnotations: Record<string, string>;
      /**
       * Set on the one result a program returns whenever every validation holds and there are no audit
       * annotations (frozen, the same object every time), so what is derived from it can be derived once.
       */
      allPassed?: true;
    };

/** A compile error with the field path of the expression it concerns. */
export class ProgramCompileError extends Error {
  override readonly name = 'ProgramCompileError';
  constructor(readonly path: string, readonly detail: string) {
    super(`${path}: ${detail}`);
  }
}

interface CompiledExpression {
  path: string;
  program?: CelProgram;
  /** Why this expression cannot be evaluated here (e.g. it needs a cluster). */
  unavailable?: string;
}

interface CompiledValidation extends CompiledExpression {
  spec: ValidationSpec;
  messageProgram?: CelProgram;
  /** Its outcome when it holds: the same (frozen) object every time. */
  passed: ValidationOutcome;
  /** Its outcome when it does not hold, when the message is fixed (no messageExpression): one frozen object. */
  failed?: ValidationOutcome;
}

const NO_ANNOTATIONS: Record<string, string> = Object.freeze({});

export interface ProgramOptions {
  /** Kyverno's libraries (resource, image…) or none for plain ValidatingAdmissionPolicy. */
  libraries?: readonly CelLibrary[];
  costBudget?: number;
}

export class CompiledPolicyProgram {
  private readonly variables: LazyVariables;
  private readonly matchConditions: (CompiledExpression & { name: string })[];
  private readonly validations: CompiledValidation[];
  private readonly auditAnnotations: (CompiledExpression & { key: string })[];
  private readonly failurePolicy: FailurePolicy;
  private readonly costBudget: number;
  private readonly allPassed: ProgramResult;
  /** Some expression reads `request.userInfo`: the policy judges who makes the request. */
  readonly readsRequester: boolean;
  /** A context no evaluation is using. */
  #idle: PolicyContext | undefined;

  /** Throws ProgramCompileError listing every expression that does not compile. */
  constructor(spec: ProgramSpec, options: ProgramOptions = {}) {
    const errors: ProgramCompileError[] = [];
    this.variables = new LazyVariables(spec.variables.map((v) => v.name));
    const env = new CelEnvironment({
      variables: { ...ACTIVATION_VARIABLES, variables: this.variables.typeName },
      libraries: [...(options.libraries ?? []), this.variables.library],
      objectReads: POLICY_OBJECT_READS,
    });
    const compile = (expression: string, path: string, expect?: 'bool' | 'string', variable?: string): CompiledExpression => {
      if (CLUSTER_ONLY.test(expression)) return { path, unavailable: `${path}: uses authorizer, which needs a live cluster (not available offline)` };
      try {
        const program = env.compile(expression, variable === undefined ? {} : { variable });
        if (expect && program.resultType !== expect && program.resultType !== 'dyn') {
          errors.push(new ProgramCompileError(path, `must evaluate to ${expect}, but evaluates to ${program.resultType}`));
        }
        return { path, program };
      } catch (error) {
        errors.push(new ProgramCompileError(path, error instanceof CelCompileError ? error.message : String(error)));
        return { path };
      }
    };
    for (const variable of spec.variables) {
      const compiled = compile(variable.expression, `${variable.path}.expression`, undefined, variable.name);
      if (compiled.program) this.variables.define(variable.name, compiled.program, { shareAs: shareKey(compiled.program, options.libraries) });
      if (compiled.unavailable) this.variables.define(variable.name, unavailableProgram(variable.expression, compiled.unavailable));
    }
    this.matchConditions = spec.matchConditions.map((c: NamedExpression) => ({ name: c.name, ...compile(c.expression, `${c.path}.expression`, 'bool') }));
    this.validations = spec.validations.map((v) => {
      const passed = Object.freeze<ValidationOutcome>({ path: v.path, status: 'pass', message: 'validation passed' });
      const compiled: CompiledValidation = { spec: v, passed, ...compile(v.expression, `${v.path}.expression`, 'bool') };
      if (v.messageExpression !== undefined) compiled.messageProgram = compile(v.messageExpression, `${v.path}.messageExpression`, 'string').program;
      else compiled.failed = Object.freeze(failedOutcome(compiled, staticMessage(v)));
      return compiled;
    });
    this.auditAnnotations = spec.auditAnnotations.map((a) => ({ key: a.key, ...compile(a.valueExpression, `${a.path}.valueExpression`, 'string') }));
    if (errors.length > 0) throw new AggregateProgramError(errors);
    this.failurePolicy = spec.failurePolicy;
    this.costBudget = options.costBudget ?? POLICY_COST_BUDGET;
    this.readsRequester = expressionsOf(spec).some((expression) => REQUESTER.test(expression));
    this.allPassed = Object.freeze({ kind: 'evaluated', validations: Object.freeze(this.validations.map((v) => v.passed)), auditAnnotations: NO_ANNOTATIONS, allPassed: true });
  }

  evaluate(input: CelActivation): ProgramResult {
    // The context of the last evaluation is reused (after it has let go of its input) unless it is still in use.
    const context = this.#idle ?? this.#newContext();
    this.#idle = undefined;
    context.start(input, this.variables);
    try {
      return this.#evaluate(context);
    } finally {
      context.finish(this.variables);
      this.#idle = context;
    }
  }

  #newContext(): PolicyContext {
    const meter = new CostMeter(this.costBudget);
    const context = bindActivation(new PolicyContext(meter), meter);
    context.variables = this.variables.bind(context as unknown as Record<string, unknown>);
    return context;
  }

  #evaluate(context: PolicyContext): ProgramResult {
    const conditionErrors: string[] = [];
    for (const condition of this.matchConditions) {
      const value = this.run(condition, context);
      if (value instanceof Failure) conditionErrors.push(`matchCondition ${condition.name}: ${value.message}`);
      else if (value !== true) return { kind: 'not-matched', condition: condition.name };
    }
    // A false condition wins over an erroring one (as in the API server); otherwise errors follow failurePolicy.
    if (conditionErrors.length > 0) {
      return this.failurePolicy === 'Fail' ? { kind: 'error', message: conditionErrors.join('; ') } : { kind: 'not-matched', condition: 'error ignored (failurePolicy Ignore)' };
    }

    // Outcomes are collected only once one is not a pass: the common case returns the shared all-passed result.
    let validations: ValidationOutcome[] | undefined;
    for (let i = 0; i < this.validations.length; i++) {
      const validation = this.validations[i]!;
      const value = this.run(validation, context);
      if (value === true && validations === undefined) continue;
      validations ??= this.validations.slice(0, i).map((v) => v.passed);
      if (value instanceof Failure) {
        if (this.failurePolicy === 'Fail') validations.push({ path: validation.path, status: 'error', message: value.message });
      } else if (value === true) {
        validations.push(validation.passed);
      } else {
        validations.push(validation.failed ?? failedOutcome(validation, this.messageOf(validation, context)));
      }
    }
    if (this.auditAnnotations.length === 0) return validations === undefined ? this.allPassed : { kind: 'evaluated', validations, auditAnnotations: NO_ANNOTATIONS };
    validations ??= this.validations.map((v) => v.passed);
    const auditAnnotations: Record<string, string> = {};
    for (const annotation of this.auditAnnotations) {
      const value = this.run(annotation, context);
      if (typeof value === 'string') auditAnnotations[annotation.key] = value;
    }
    return { kind: 'evaluated', validations, auditAnnotations };
  }

  /** The expression's value, or a Failure saying why it has none. */
  private run(compiled: CompiledExpression, context: PolicyContext): unknown {
    if (compiled.unavailable) return new Failure(compiled.unavailable);
    try {
      const value = compiled.program!.evaluate(context as unknown as Record<string, unknown>);
      if (value instanceof Promise) return new Failure(`${compiled.path}: asynchronous functions cannot be evaluated here`);
      return value;
    } catch (error) {
      return new Failure(`${compiled.path}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** messageExpression when it yields a usable one-line string, else message, else the API server's default. */
  private messageOf(validation: CompiledValidation, context: PolicyContext): string {
    if (validation.messageProgram) {
      const value = this.run({ path: validation.path, program: validation.messageProgram }, context);
      if (typeof value === 'string' && value.trim() !== '' && !value.includes('\n')) return value.trim();
    }
    return staticMessage(validation.spec);
  }
}

/** message, else the API server's default. */
function staticMessage(spec: ValidationSpec): string {
  if (spec.message && spec.message.trim() !== '') return spec.message.trim();
  return `failed expression: ${spec.expression.trim()}`;
}

function failedOutcome(validation: CompiledValidation, message: string): ValidationOutcome {
  const outcome: ValidationOutcome = { path: validation.path, status: 'fail', message };
  if (validation.spec.reason) outcome.reason = validation.spec.reason;
  return outcome;
}

/** What expressions are evaluated with: the activation's values, read (and converted) only when used, and `variables`. */
class PolicyContext implements Record<ActivationName, unknown> {
  variables: object | undefined;
  #activation: CelActivation | undefined;

  constructor(private readonly meter: CostMeter) {}

  /** Begins an evaluation of this activation, with a full budget and no variable evaluated yet. */
  start(activation: CelActivation, variables: LazyVariables): void {
    this.#activation = activation;
    this.meter.cost = 0;
    variables.rebind(this.variables!, activation.shared);
  }

  /** Ends the evaluation, letting go of its activation and values. */
  finish(variables: LazyVariables): void {
    this.#activation = undefined;
    variables.rebind(this.variables!, undefined);
  }

  get object(): unknown {
    return this.#activation!.object;
  }
  get oldObject(): unknown {
    return this.#activation!.oldObject;
  }
  get request(): unknown {
    return this.#activation!.request;
  }
  get params(): unknown {
    return this.#activation!.params;
  }
  get namespaceObject(): unknown {
    return this.#activation!.namespaceObject;
  }
}

class Failure {
  constructor(readonly message: string) {}
}

export class AggregateProgramError extends Error {
  override readonly name = 'AggregateProgramError';
  constructor(readonly errors: ProgramCompileError[]) {
    super(errors.map((e) => e.message).join('\n'));
  }
}

/** `request.userInfo` (or `request["userInfo"]`) anywhere in an expression. */
const REQUESTER = /\brequest\s*(?:\.\s*userInfo\b|\[\s*["']userInfo["']\s*\])/;

function expressionsOf(spec: ProgramSpec): string[] {
  return [
    ...spec.variables.map((v) => v.expression),
    ...spec.matchConditions.map((c) => c.expression),
    ...spec.validations.flatMap((v) => (v.messageExpression === undefined ? [v.expression] : [v.expression, v.messageExpression])),
    ...spec.auditAnnotations.map((a) => a.valueExpression),
  ];
}

/** Variables that read nothing but these are the same for every policy judging the same objects (CelActivation.shared). */
const SHAREABLE_READS = new Set(['object', 'oldObject', 'request', 'namespaceObject']);
const NO_LIBRARIES: readonly CelLibrary[] = [];
const libraryKeys = new WeakMap<readonly CelLibrary[], number>();
let nextLibraryKey = 0;

/** The key under which a variable's value is shared, or undefined when it reads params or other variables. */
function shareKey(program: CelProgram, libraries: readonly CelLibrary[] = NO_LIBRARIES): string | undefined {
  for (const name of program.variables) if (!SHAREABLE_READS.has(name)) return undefined;
  // The same expression means the same only with the same functions: key by the library set (by identity).
  let id = libraryKeys.get(libraries);
  if (id === undefined) libraryKeys.set(libraries, (id = nextLibraryKey++));
  return `${id}:${program.key}`;
}

/** Stands in for a variable that cannot be computed here; using it fails with the reason. */
function unavailableProgram(expression: string, why: string): CelProgram {
  return {
    expression,
    resultType: 'dyn',
    key: expression,
    variables: new Set(['authorizer']),
    evaluate() {
      throw new Error(why);
    },
    selectsField: () => false,
  };
}
