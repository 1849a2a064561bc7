// Kubernetes' AuthenticationConfiguration (apiserver.config.k8s.io v1beta1 and v1), as the API server reads it from
// --authentication-config: the JWT issuers, how their claims are validated and mapped to a user. Loading validates
// every field by the API server's rules and compiles every CEL expression, so a running authenticator never meets
// a bad setting; errors name the file and the field path.
import { ConfigError } from '../config/config-error.js';
import { Issues } from '../config/fields.js';
import { CONFIG_LIMITS, readConfigFileSync } from '../config/load.js';
import { readAuthenticationConfiguration } from './authentication-config-validation.js';
import type { CompiledClaimsProgram, CompiledUserProgram } from './cel-programs.js';

export const AUTHENTICATION_CONFIG_API_VERSIONS = ['apiserver.config.k8s.io/v1beta1', 'apiserver.config.k8s.io/v1'] as const;
const LIMITS = { ...CONFIG_LIMITS, maxAliases: 0 };

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

/** Validates and compiles an already-parsed document (e.g. embedded in another configuration); throws ConfigError. */
export function parseAuthenticationConfiguration(document: unknown, source: string): AuthenticationConfiguration {
  const issues = new Issues();
  const config = readAuthenticationConfiguration(document, issues);
  if (!config) throw new ConfigError(source, issues.list);
  return { ...config, source };
}

/**
 * Reads an AuthenticationConfiguration file (YAML or JSON) with the configuration loader's bounds, refusing YAML
 * aliases outright: the API server's files have no use for them. Synchronous, as the proxy reads it at start-up.
 */
export function loadAuthenticationConfigFile(path: string): AuthenticationConfiguration {
  return parseAuthenticationConfiguration(readConfigFileSync(path, LIMITS), path);
}
