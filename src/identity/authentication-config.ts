// Kubernetes' AuthenticationConfiguration (apiserver.config.k8s.io v1beta1 and v1), as the API server reads it from
// --authentication-config: the JWT issuers, how their claims are validated and mapped to a user. Loading validates
// every field by the API server's rules and compiles every CEL expression, so a running authenticator never meets
// a bad setting; errors name the file and the field path.
import { readFileSync, statSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { validateAuthenticationConfiguration } from './authentication-config-validation.js';
import type { CompiledClaimsProgram, CompiledUserProgram } from './cel-programs.js';

export const AUTHENTICATION_CONFIG_API_VERSIONS = ['apiserver.config.k8s.io/v1beta1', 'apiserver.config.k8s.io/v1'] as const;
const MAX_CONFIG_BYTES = 1024 * 1024;

export interface IssuerConfig {
  url: string;
  discoveryURL?: string;
  /** PEM bundle that verifies the issuer's (and discovery URL's) serving certificate; system roots when absent. */
  certificateAuthority?: string;
  audiences: string[];
  audienceMatchPolicy?: 'MatchAny';
}

/** A claim mapping by `claim` (with `prefix`, `undefined` meaning "not set") or by CEL `expression`. */
export interface PrefixedClaimOrExpression {
  claim?: string;
  prefix?: string;
  expression?: CompiledClaimsProgram;
}

export interface ClaimOrExpression {
  claim?: string;
  expression?: CompiledClaimsProgram;
}

export interface ExtraMapping {
  key: string;
  valueExpression: CompiledClaimsProgram;
}

export interface ClaimMappings {
  username: PrefixedClaimOrExpression;
  groups: PrefixedClaimOrExpression;
  uid: ClaimOrExpression;
  extra: ExtraMapping[];
}

export type ClaimValidationRule =
  | { claim: string; requiredValue: string }
  | { expression: CompiledClaimsProgram; message?: string };

export interface UserValidationRule {
  expression: CompiledUserProgram;
  message?: string;
}

export interface JwtAuthenticatorConfig {
  issuer: IssuerConfig;
  claimValidationRules: ClaimValidationRule[];
  claimMappings: ClaimMappings;
  userValidationRules: UserValidationRule[];
}

export interface AuthenticationConfiguration {
  apiVersion: (typeof AUTHENTICATION_CONFIG_API_VERSIONS)[number];
  jwt: JwtAuthenticatorConfig[];
  /** Where it was read from, for messages. */
  source: string;
}

/** Every problem found in a configuration, one per line as `<source>: <field path>: <problem>`. */
export class AuthenticationConfigError extends Error {
  override name = 'AuthenticationConfigError';
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(problems.map((p) => `${source}: ${p}`).join('\n'));
  }
}

/** Validates and compiles an already-parsed document (e.g. embedded in another configuration). */
export function parseAuthenticationConfiguration(document: unknown, source: string): AuthenticationConfiguration {
  const { config, problems } = validateAuthenticationConfiguration(document);
  if (problems.length > 0 || !config) throw new AuthenticationConfigError(source, problems);
  return { ...config, source };
}

/** Reads an AuthenticationConfiguration file (YAML or JSON). */
export function loadAuthenticationConfigFile(path: string): AuthenticationConfiguration {
  let text: string;
  try {
    if (statSync(path).size > MAX_CONFIG_BYTES) throw new AuthenticationConfigError(path, [`file is larger than ${MAX_CONFIG_BYTES} bytes`]);
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof AuthenticationConfigError) throw err;
    throw new AuthenticationConfigError(path, [`cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`]);
  }
  return parseAuthenticationConfiguration(parseYaml(text, path), path);
}

function parseYaml(text: string, path: string): unknown {
  // No aliases: a configuration has no use for them, and they are the YAML amplification vector.
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, lineCounter });
  if (doc.errors.length > 0) {
    throw new AuthenticationConfigError(
      path,
      doc.errors.map((e) => `line ${lineCounter.linePos(e.pos[0]).line}: ${e.message.split('\n')[0]}`),
    );
  }
  try {
    return doc.toJS({ maxAliasCount: 0 });
  } catch {
    throw new AuthenticationConfigError(path, ['YAML aliases are not allowed']);
  }
}
