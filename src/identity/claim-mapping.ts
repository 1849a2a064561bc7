// From verified claims to a Kubernetes user, as the API server's JWT authenticator does it: username, groups, uid
// and extra by claim (+prefix) or CEL expression, then claimValidationRules, then userValidationRules. On top,
// Gatehouse refuses what it must never impersonate: an empty username, or a username or group in `system:`.
import type { UserInfo } from '../policy/policy.js';
import type { ClaimMappings, JwtAuthenticatorConfig, PrefixedClaimOrExpression } from './authentication-config.js';

export type MappingResult = { ok: true; user: UserInfo } | { ok: false; reason: string };

const RESERVED_PREFIX = 'system:';

class MappingError extends Error {}

function evaluate(program: { evaluate(input: never): unknown; source: string }, input: unknown, field: string): unknown {
  try {
    return (program.evaluate as (input: unknown) => unknown)(input);
  } catch (err) {
    throw new MappingError(`${field} evaluation failed: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** A CEL value for a string-list field: a string, a list of strings, or null; empty strings drop out. */
function stringList(value: unknown, field: string): string[] {
  if (value === null || value === undefined) return [];
  if (typeof value === 'string') return value === '' ? [] : [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return (value as string[]).filter((v) => v !== '');
  throw new MappingError(`${field} must return a string or a list of strings`);
}

function claimString(claims: Record<string, unknown>, claim: string, field: string): string {
  if (!(claim in claims)) throw new MappingError(`${field}: claim "${claim}" not present`);
  const value = claims[claim];
  if (typeof value !== 'string') throw new MappingError(`${field}: claim "${claim}" is not a string`);
  return value;
}

function withPrefix(prefix: string | undefined, value: string): string {
  return prefix ? prefix + value : value;
}

function username(mapping: PrefixedClaimOrExpression, claims: Record<string, unknown>): string {
  if (mapping.expression) {
    const value = evaluate(mapping.expression, claims, 'claimMappings.username.expression');
    if (typeof value !== 'string') throw new MappingError('claimMappings.username.expression must return a string');
    return value;
  }
  const claim = mapping.claim!;
  const value = claimString(claims, claim, 'claimMappings.username');
  // OpenID Connect: an email is only an identity once verified; when the claim is present it must be true.
  if (claim === 'email' && 'email_verified' in claims && claims['email_verified'] !== true) throw new MappingError('email not verified');
  return withPrefix(mapping.prefix, value);
}

function groups(mapping: PrefixedClaimOrExpression, claims: Record<string, unknown>): string[] {
  if (mapping.claim !== undefined) {
    if (!(mapping.claim in claims)) {
      // The API server would fetch a distributed claim from the URL the token names. Gatehouse does not fetch what
      // a token points at; it refuses rather than impersonate the user without the groups the IdP meant.
      if (isDistributed(claims, mapping.claim)) throw new MappingError(`claimMappings.groups: claim "${mapping.claim}" is a distributed claim (_claim_names), which Gatehouse does not fetch`);
      return [];
    }
    const value = claims[mapping.claim];
    // A single string is accepted as one group, as the API server does.
    const list = typeof value === 'string' ? [value] : Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
    if (!list) throw new MappingError(`claimMappings.groups: claim "${mapping.claim}" is not a string or a list of strings`);
    return list.map((g) => withPrefix(mapping.prefix, g));
  }
  return mapping.expression ? stringList(evaluate(mapping.expression, claims, 'claimMappings.groups.expression'), 'claimMappings.groups.expression') : [];
}

function isDistributed(claims: Record<string, unknown>, claim: string): boolean {
  const names = claims['_claim_names'];
  return typeof names === 'object' && names !== null && Object.hasOwn(names, claim);
}

function uid(mappings: ClaimMappings, claims: Record<string, unknown>): string {
  if (mappings.uid.claim !== undefined) return claimString(claims, mappings.uid.claim, 'claimMappings.uid');
  if (!mappings.uid.expression) return '';
  const value = evaluate(mappings.uid.expression, claims, 'claimMappings.uid.expression');
  if (typeof value !== 'string') throw new MappingError('claimMappings.uid.expression must return a string');
  return value;
}

function extra(mappings: ClaimMappings, claims: Record<string, unknown>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  mappings.extra.forEach((mapping, i) => {
    const field = `claimMappings.extra[${i}].valueExpression`;
    const values = stringList(evaluate(mapping.valueExpression, claims, field), field);
    if (values.length > 0) out[mapping.key] = values;
  });
  return out;
}

function validateClaims(config: JwtAuthenticatorConfig, claims: Record<string, unknown>): void {
  config.claimValidationRules.forEach((rule, i) => {
    if ('claim' in rule) {
      if (!(rule.claim in claims)) throw new MappingError(`required claim ${rule.claim} not present`);
      if (claims[rule.claim] !== rule.requiredValue) throw new MappingError(`required claim ${rule.claim} does not have the required value`);
      return;
    }
    const result = evaluate(rule.expression, claims, `claimValidationRules[${i}].expression`);
    if (typeof result !== 'boolean') throw new MappingError(`claimValidationRules[${i}].expression must return a boolean`);
    if (!result) throw new MappingError(`claim validation failed: ${rule.message ?? rule.expression.source}`);
  });
}

function validateUser(config: JwtAuthenticatorConfig, user: UserInfo): void {
  const input = { username: user.username, uid: user.uid ?? '', groups: user.groups ?? [], extra: user.extra ?? {} };
  config.userValidationRules.forEach((rule, i) => {
    const result = evaluate(rule.expression, input, `userValidationRules[${i}].expression`);
    if (typeof result !== 'boolean') throw new MappingError(`userValidationRules[${i}].expression must return a boolean`);
    if (!result) throw new MappingError(`user validation failed: ${rule.message ?? rule.expression.source}`);
  });
}

function refuseReserved(user: UserInfo): void {
  if (user.username === '') throw new MappingError('claims map to an empty username');
  if (user.username.startsWith(RESERVED_PREFIX)) throw new MappingError('username maps into the reserved "system:" namespace');
  if (user.groups?.some((g) => g.startsWith(RESERVED_PREFIX))) throw new MappingError('a group maps into the reserved "system:" namespace');
}

export function mapClaims(config: JwtAuthenticatorConfig, claims: Record<string, unknown>): MappingResult {
  try {
    const { claimMappings } = config;
    const user: UserInfo = { username: username(claimMappings.username, claims) };
    const mappedGroups = groups(claimMappings.groups, claims);
    if (mappedGroups.length > 0) user.groups = mappedGroups;
    const mappedUid = uid(claimMappings, claims);
    if (mappedUid !== '') user.uid = mappedUid;
    const mappedExtra = extra(claimMappings, claims);
    if (Object.keys(mappedExtra).length > 0) user.extra = mappedExtra;
    validateClaims(config, claims);
    validateUser(config, user);
    refuseReserved(user);
    return { ok: true, user };
  } catch (err) {
    if (err instanceof MappingError) return { ok: false, reason: err.message };
    throw err;
  }
}
