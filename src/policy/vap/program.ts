// Compiles a ProgramSpec once and evaluates it the way the API server evaluates a ValidatingAdmissionPolicy:
// match conditions (all must be true; a false one means "does not apply"), then every validation, with lazily
// evaluated, composed `variables`, one cost budget shared by all expressions of an evaluation, and failurePolicy
// deciding what an evaluation error means.
import { CelCompileError, CelEnvironment, CostMeter, LazyVariables, type CelLibrary, type CelProgram } from '../../cel/index.js';
import type { CelActivation } from './activation.js';
import type { FailurePolicy, NamedExpression, ProgramSpec, ValidationSpec } from './program-spec.js';

/** Total runtime cost of one policy evaluation (the API server's per-policy budget, RuntimeCELCostBudget). */
export const POLICY_COST_BUDGET = 10_000_000;

/** What every expression may reference besides `variables` (CelActivation holds their values). */
const ACTIVATION_VARIABLES: Record<keyof CelActivation, string> = {
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
  | { kind: 'evaluated'; validations: ValidationOutcome[]; auditAnnotations: Record<string, string> };

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
}

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

  /** Throws ProgramCompileError listing every expression that does not compile. */
  constructor(spec: ProgramSpec, options: ProgramOptions = {}) {
    const errors: ProgramCompileError[] = [];
    this.variables = new LazyVariables(spec.variables.map((v) => v.name));
    const env = new CelEnvironment({
      variables: { ...ACTIVATION_VARIABLES, variables: this.variables.typeName },
      libraries: [...(options.libraries ?? []), this.variables.library],
    });
    const compile = (expression: string, path: string, expect?: 'bool' | 'string'): CompiledExpression => {
      if (CLUSTER_ONLY.test(expression)) return { path, unavailable: `${path}: uses authorizer, which needs a live cluster (not available offline)` };
      try {
        const program = env.compile(expression);
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
      const compiled = compile(variable.expression, `${variable.path}.expression`);
      if (compiled.program) this.variables.define(variable.name, compiled.program);
      if (compiled.unavailable) this.variables.define(variable.name, unavailableProgram(variable.expression, compiled.unavailable));
    }
    this.matchConditions = spec.matchConditions.map((c: NamedExpression) => ({ name: c.name, ...compile(c.expression, `${c.path}.expression`, 'bool') }));
    this.validations = spec.validations.map((v) => {
      const compiled: CompiledValidation = { spec: v, ...compile(v.expression, `${v.path}.expression`, 'bool') };
      if (v.messageExpression !== undefined) compiled.messageProgram = compile(v.messageExpression, `${v.path}.messageExpression`, 'string').program;
      return compiled;
    });
    this.auditAnnotations = spec.auditAnnotations.map((a) => ({ key: a.key, ...compile(a.valueExpression, `${a.path}.valueExpression`, 'string') }));
    if (errors.length > 0) throw new AggregateProgramError(errors);
    this.failurePolicy = spec.failurePolicy;
    this.costBudget = options.costBudget ?? POLICY_COST_BUDGET;
  }

  evaluate(input: CelActivation): ProgramResult {
    const meter = new CostMeter(this.costBudget);
    const activation: Record<string, unknown> = { ...input };
    activation.variables = this.variables.bind(activation, meter, { celActivation: true });

    const conditionErrors: string[] = [];
    for (const condition of this.matchConditions) {
      const value = this.run(condition, activation, meter);
      if (value.error !== undefined) conditionErrors.push(`matchCondition ${condition.name}: ${value.error}`);
      else if (value.value !== true) return { kind: 'not-matched', condition: condition.name };
    }
    // A false condition wins over an erroring one (as in the API server); otherwise errors follow failurePolicy.
    if (conditionErrors.length > 0) {
      return this.failurePolicy === 'Fail' ? { kind: 'error', message: conditionErrors.join('; ') } : { kind: 'not-matched', condition: 'error ignored (failurePolicy Ignore)' };
    }

    const validations: ValidationOutcome[] = [];
    for (const validation of this.validations) {
      const value = this.run(validation, activation, meter);
      if (value.error !== undefined) {
        if (this.failurePolicy === 'Fail') validations.push({ path: validation.path, status: 'error', message: value.error });
        continue;
      }
      if (value.value === true) {
        validations.push({ path: validation.path, status: 'pass', message: 'validation passed' });
        continue;
      }
      const outcome: ValidationOutcome = { path: validation.path, status: 'fail', message: this.messageOf(validation, activation, meter) };
      if (validation.spec.reason) outcome.reason = validation.spec.reason;
      validations.push(outcome);
    }
    const auditAnnotations: Record<string, string> = {};
    for (const annotation of this.auditAnnotations) {
      const value = this.run(annotation, activation, meter);
      if (typeof value.value === 'string') auditAnnotations[annotation.key] = value.value;
    }
    return { kind: 'evaluated', validations, auditAnnotations };
  }

  private run(compiled: CompiledExpression, activation: Record<string, unknown>, meter: CostMeter): { value?: unknown; error?: string } {
    if (compiled.unavailable) return { error: compiled.unavailable };
    try {
      const value = compiled.program!.evaluate(activation, { meter, celActivation: true });
      if (value instanceof Promise) return { error: `${compiled.path}: asynchronous functions cannot be evaluated here` };
      return { value };
    } catch (error) {
      return { error: `${compiled.path}: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  /** messageExpression when it yields a usable one-line string, else message, else the API server's default. */
  private messageOf(validation: CompiledValidation, activation: Record<string, unknown>, meter: CostMeter): string {
    if (validation.messageProgram) {
      const value = this.run({ path: validation.path, program: validation.messageProgram }, activation, meter);
      if (typeof value.value === 'string' && value.value.trim() !== '' && !value.value.includes('\n')) return value.value.trim();
    }
    if (validation.spec.message && validation.spec.message.trim() !== '') return validation.spec.message.trim();
    return `failed expression: ${validation.spec.expression.trim()}`;
  }
}

export class AggregateProgramError extends Error {
  override readonly name = 'AggregateProgramError';
  constructor(readonly errors: ProgramCompileError[]) {
    super(errors.map((e) => e.message).join('\n'));
  }
}

/** Stands in for a variable that cannot be computed here; using it fails with the reason. */
function unavailableProgram(expression: string, why: string): CelProgram {
  return {
    expression,
    resultType: 'dyn',
    evaluate() {
      throw new Error(why);
    },
  };
}
