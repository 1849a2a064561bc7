// CEL for AuthenticationConfiguration, with the API server's variables: `claims` (the token's claims) in claim
// mappings and claimValidationRules, `user` (username, uid, groups, extra) in userValidationRules. Compiled once
// at load with Gatehouse's CEL environment (Kubernetes libraries, cost budget per evaluation). Claim expressions that
// only select and join string claims are read directly when they can be (claim-selection.ts), CEL deciding the rest.
import { CelCompileError, CelEnvironment, type CelProgram } from '../cel/index.js';
import { NOT_SELECTED, compileClaimSelection } from './claim-selection.js';

export interface CompiledClaimsProgram {
  readonly source: string;
  evaluate(claims: Readonly<Record<string, unknown>>): unknown;
  /** Whether the expression selects `claims.<field>` or `claims.?<field>`, as the API server's validation asks. */
  selects(field: string): boolean;
}

export interface CompiledUserProgram {
  readonly source: string;
  evaluate(user: { username: string; uid: string; groups: string[]; extra: Record<string, string[]> }): unknown;
  /** Whether the expression selects `user.<field>` or `user.?<field>`. */
  selects(field: string): boolean;
}

export type Compiled<P> = { program: P } | { error: string };

let claimsEnvironment: CelEnvironment | undefined;
let userEnvironment: CelEnvironment | undefined;

function wrap(program: CelProgram, variable: string) {
  return {
    source: program.expression,
    selects: (field: string) => program.selectsField(variable, field),
    evaluate(value: unknown): unknown {
      const result = program.evaluate({ [variable]: value });
      // The authentication libraries are synchronous; a pending value here would be a programming error.
      if (result instanceof Promise) throw new Error('expression did not evaluate synchronously');
      return result;
    },
  };
}

function compile<P>(environment: CelEnvironment, expression: string, variable: string): Compiled<P> {
  try {
    return { program: wrap(environment.compile(expression), variable) as P };
  } catch (err) {
    if (err instanceof CelCompileError) return { error: err.message };
    throw err;
  }
}

export function compileClaimsProgram(expression: string): Compiled<CompiledClaimsProgram> {
  claimsEnvironment ??= new CelEnvironment({ variables: { claims: 'map<string, dyn>' } });
  const compiled = compile<CompiledClaimsProgram>(claimsEnvironment, expression, 'claims');
  if (!('program' in compiled)) return compiled;
  const selection = compileClaimSelection(expression);
  if (!selection) return compiled;
  const cel = compiled.program;
  return {
    program: {
      source: expression,
      selects: cel.selects,
      evaluate(claims) {
        const value = selection(claims);
        return value === NOT_SELECTED ? cel.evaluate(claims) : value;
      },
    },
  };
}

export function compileUserProgram(expression: string): Compiled<CompiledUserProgram> {
  userEnvironment ??= new CelEnvironment({ variables: { user: 'map<string, dyn>' } });
  return compile(userEnvironment, expression, 'user');
}
