// The API server's validation rules for AuthenticationConfiguration (k8s.io/apiserver apis/apiserver/validation),
// applied to an untyped document: unknown fields and wrong types are errors too (the API server decodes config
// files strictly). Problems use the API server's wording: `<field path>: Required value`, `Invalid value: …`,
// `Duplicate value: …`, so they read the same as the API server's own.
import { X509Certificate } from 'node:crypto';
import {
  AUTHENTICATION_CONFIG_API_VERSIONS,
  type AuthenticationConfiguration,
  type ClaimMappings,
  type ClaimOrExpression,
  type ClaimValidationRule,
  type ExtraMapping,
  type IssuerConfig,
  type JwtAuthenticatorConfig,
  type PrefixedClaimOrExpression,
  type UserValidationRule,
} from './authentication-config.js';
import { compileClaimsProgram, compileUserProgram, usesClaim, type CompiledClaimsProgram } from './cel-programs.js';

const MAX_AUTHENTICATORS = 64;
const MAX_RULES = 64;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const HTTP_PATH = /^[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/;

type Fields = Record<string, unknown>;

class Problems {
  readonly list: string[] = [];
  required(path: string, detail = ''): void {
    this.list.push(`${path}: Required value${detail ? `: ${detail}` : ''}`);
  }
  invalid(path: string, value: unknown, detail: string): void {
    this.list.push(`${path}: Invalid value: ${JSON.stringify(value)}: ${detail}`);
  }
  duplicate(path: string, value: unknown): void {
    this.list.push(`${path}: Duplicate value: ${JSON.stringify(value)}`);
  }
  forbidden(path: string, detail: string): void {
    this.list.push(`${path}: Forbidden: ${detail}`);
  }
}

function typeName(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

/** Reads the fields of an object, reporting wrong types and fields the schema does not have. */
function object(value: unknown, path: string, known: readonly string[], problems: Problems): Fields | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.invalid(path, typeName(value), 'must be an object');
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) problems.list.push(`${path ? `${path}.` : ''}${key}: Unknown field`);
  }
  return value as Fields;
}

function string(fields: Fields | undefined, key: string, path: string, problems: Problems): string | undefined {
  const value = fields?.[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    problems.invalid(`${path}.${key}`, typeName(value), 'must be a string');
    return undefined;
  }
  return value;
}

function array(value: unknown, path: string, problems: Problems, max = MAX_RULES): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problems.invalid(path, typeName(value), 'must be a list');
    return [];
  }
  if (value.length > max) {
    problems.list.push(`${path}: Too many: ${value.length}: must have at most ${max} items`);
    return [];
  }
  return value;
}

function compileClaims(expression: string, path: string, problems: Problems): CompiledClaimsProgram | undefined {
  const compiled = compileClaimsProgram(expression);
  if ('error' in compiled) {
    problems.invalid(path, expression, `compilation failed: ${compiled.error}`);
    return undefined;
  }
  return compiled.program;
}

function validateUrl(url: string, path: string, problems: Problems): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    problems.invalid(path, url, 'must be an absolute URL');
    return;
  }
  if (parsed.protocol !== 'https:') problems.invalid(path, url, 'URL scheme must be https');
  if (parsed.username || parsed.password) problems.invalid(path, url, 'URL must not contain a username or password');
  if (parsed.search) problems.invalid(path, url, 'URL must not contain a query');
  if (parsed.hash || url.includes('#')) problems.invalid(path, url, 'URL must not contain a fragment');
}

function validateCertificateAuthority(pem: string, path: string, problems: Problems): void {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) {
    problems.invalid(path, '<omitted>', 'data does not contain any valid RSA or ECDSA certificates');
    return;
  }
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch (err) {
      problems.invalid(path, '<omitted>', `cannot parse certificate: ${(err as Error).message}`);
    }
  }
}

function validateIssuer(value: unknown, path: string, problems: Problems): IssuerConfig | undefined {
  const fields = object(value, path, ['url', 'discoveryURL', 'certificateAuthority', 'audiences', 'audienceMatchPolicy', 'egressSelectorType'], problems);
  if (!fields) {
    problems.required(`${path}.url`);
    problems.required(`${path}.audiences`, `at least one ${path}.audiences is required`);
    return undefined;
  }
  const url = string(fields, 'url', path, problems) ?? '';
  if (url === '') problems.required(`${path}.url`);
  else validateUrl(url, `${path}.url`, problems);

  const discoveryURL = string(fields, 'discoveryURL', path, problems);
  if (discoveryURL) {
    if (url && url.replace(/\/+$/, '') === discoveryURL.replace(/\/+$/, '')) {
      problems.invalid(`${path}.discoveryURL`, discoveryURL, 'discoveryURL must be different from URL');
    }
    validateUrl(discoveryURL, `${path}.discoveryURL`, problems);
  }

  const certificateAuthority = string(fields, 'certificateAuthority', path, problems);
  if (certificateAuthority) validateCertificateAuthority(certificateAuthority, `${path}.certificateAuthority`, problems);

  const audiences: string[] = [];
  const rawAudiences = array(fields['audiences'], `${path}.audiences`, problems);
  if (rawAudiences.length === 0) problems.required(`${path}.audiences`, `at least one ${path}.audiences is required`);
  rawAudiences.forEach((audience, i) => {
    const at = `${path}.audiences[${i}]`;
    if (typeof audience !== 'string') problems.invalid(at, typeName(audience), 'must be a string');
    else if (audience === '') problems.required(at);
    else if (audiences.includes(audience)) problems.duplicate(at, audience);
    else audiences.push(audience);
  });
  const audienceMatchPolicy = string(fields, 'audienceMatchPolicy', path, problems);
  if (rawAudiences.length > 1 && audienceMatchPolicy !== 'MatchAny') {
    problems.invalid(`${path}.audienceMatchPolicy`, audienceMatchPolicy ?? '', 'audienceMatchPolicy must be MatchAny for multiple audiences');
  }
  if (rawAudiences.length === 1 && audienceMatchPolicy && audienceMatchPolicy !== 'MatchAny') {
    problems.invalid(`${path}.audienceMatchPolicy`, audienceMatchPolicy, 'audienceMatchPolicy must be empty or MatchAny for single audience');
  }
  if (fields['egressSelectorType'] !== undefined) {
    problems.forbidden(`${path}.egressSelectorType`, 'egress selectors are an API server feature; Gatehouse connects to issuers directly');
  }
  return {
    url,
    ...(discoveryURL ? { discoveryURL } : {}),
    ...(certificateAuthority ? { certificateAuthority } : {}),
    audiences,
    ...(audienceMatchPolicy === 'MatchAny' ? { audienceMatchPolicy } : {}),
  };
}

function validateClaimValidationRules(fields: Fields, path: string, problems: Problems): ClaimValidationRule[] {
  const rules: ClaimValidationRule[] = [];
  const seenClaims = new Set<string>();
  const seenExpressions = new Set<string>();
  array(fields['claimValidationRules'], `${path}.claimValidationRules`, problems).forEach((value, i) => {
    const at = `${path}.claimValidationRules[${i}]`;
    const rule = object(value, at, ['claim', 'requiredValue', 'expression', 'message'], problems) ?? {};
    const claim = string(rule, 'claim', at, problems) ?? '';
    const requiredValue = string(rule, 'requiredValue', at, problems) ?? '';
    const expression = string(rule, 'expression', at, problems) ?? '';
    const message = string(rule, 'message', at, problems) ?? '';
    if (claim && expression) problems.invalid(at, claim, "claim and expression can't both be set");
    else if (!claim && !expression) problems.required(at, 'claim or expression is required');
    else if (claim) {
      if (message) problems.invalid(`${at}.message`, message, 'may not be specified when claim is set');
      if (seenClaims.has(claim)) problems.duplicate(`${at}.claim`, claim);
      seenClaims.add(claim);
      rules.push({ claim, requiredValue });
    } else {
      if (requiredValue) problems.invalid(`${at}.requiredValue`, requiredValue, 'may not be specified when expression is set');
      if (seenExpressions.has(expression)) {
        problems.duplicate(`${at}.expression`, expression);
        return;
      }
      seenExpressions.add(expression);
      const program = compileClaims(expression, `${at}.expression`, problems);
      if (program) rules.push({ expression: program, ...(message ? { message } : {}) });
    }
  });
  return rules;
}

function validatePrefixedClaimOrExpression(
  value: unknown,
  path: string,
  required: boolean,
  problems: Problems,
): PrefixedClaimOrExpression {
  const fields = object(value, path, ['claim', 'prefix', 'expression'], problems) ?? {};
  const claim = string(fields, 'claim', path, problems) ?? '';
  const prefix = string(fields, 'prefix', path, problems);
  const expression = string(fields, 'expression', path, problems) ?? '';
  if (claim && expression) problems.invalid(path, '', "claim and expression can't both be set");
  else if (!claim && !expression && required) problems.required(path, 'claim or expression is required');
  else if (expression) {
    if (prefix !== undefined) problems.invalid(`${path}.prefix`, prefix, 'may not be specified when expression is set');
    const program = compileClaims(expression, `${path}.expression`, problems);
    return program ? { expression: program } : {};
  } else if (claim) {
    if (prefix === undefined) {
      problems.required(`${path}.prefix`, 'prefix is required when claim is set. It can be set to an empty string to disable prefixing');
    }
    return { claim, ...(prefix !== undefined ? { prefix } : {}) };
  }
  return {};
}

function validateExtraKey(key: string, path: string, problems: Problems): void {
  if (key === '') {
    problems.required(path);
    return;
  }
  const slash = key.indexOf('/');
  const domain = slash > 0 ? key.slice(0, slash) : '';
  const rest = slash > 0 ? key.slice(slash + 1) : '';
  if (!domain || !rest) problems.invalid(path, key, 'must be a domain-prefixed path (such as "acme.io/foo")');
  else {
    if (domain.length > 253 || !DNS1123_SUBDOMAIN.test(domain)) {
      problems.invalid(path, domain, "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character");
    }
    if (!HTTP_PATH.test(rest)) problems.invalid(path, rest, `Invalid path: must match the regex ${HTTP_PATH.source}`);
  }
  if (key !== key.toLowerCase()) problems.invalid(path, key, 'must be lowercase');
  if (/^(.*\.)?(kubernetes\.io|k8s\.io)$/.test(domain)) {
    problems.invalid(path, key, 'k8s.io, kubernetes.io and their subdomains are reserved for Kubernetes use');
  }
}

function validateClaimMappings(value: unknown, path: string, problems: Problems): { mappings: ClaimMappings; usesEmail: boolean } {
  const fields = object(value, path, ['username', 'groups', 'uid', 'extra'], problems) ?? {};
  if (fields['username'] === undefined) problems.required(`${path}.username`, 'claim or expression is required');
  const username = fields['username'] === undefined ? {} : validatePrefixedClaimOrExpression(fields['username'], `${path}.username`, true, problems);
  const groups = validatePrefixedClaimOrExpression(fields['groups'], `${path}.groups`, false, problems);

  let uid: ClaimOrExpression = {};
  const uidFields = object(fields['uid'], `${path}.uid`, ['claim', 'expression'], problems) ?? {};
  const uidClaim = string(uidFields, 'claim', `${path}.uid`, problems) ?? '';
  const uidExpression = string(uidFields, 'expression', `${path}.uid`, problems) ?? '';
  if (uidClaim && uidExpression) problems.invalid(`${path}.uid`, '', "claim and expression can't both be set");
  else if (uidExpression) {
    const program = compileClaims(uidExpression, `${path}.uid.expression`, problems);
    if (program) uid = { expression: program };
  } else if (uidClaim) uid = { claim: uidClaim };

  const extra: ExtraMapping[] = [];
  const seenKeys = new Set<string>();
  array(fields['extra'], `${path}.extra`, problems).forEach((item, i) => {
    const at = `${path}.extra[${i}]`;
    const mapping = object(item, at, ['key', 'valueExpression'], problems) ?? {};
    const key = string(mapping, 'key', at, problems) ?? '';
    validateExtraKey(key, `${at}.key`, problems);
    if (seenKeys.has(key)) {
      problems.duplicate(`${at}.key`, key);
      return;
    }
    seenKeys.add(key);
    const valueExpression = string(mapping, 'valueExpression', at, problems) ?? '';
    if (!valueExpression) {
      problems.required(`${at}.valueExpression`);
      return;
    }
    const program = compileClaims(valueExpression, `${at}.valueExpression`, problems);
    if (program) extra.push({ key, valueExpression: program });
  });
  const usesEmail = username.expression !== undefined && usesClaim(username.expression, 'email');
  return { mappings: { username, groups, uid, extra }, usesEmail };
}

function validateUserValidationRules(fields: Fields, path: string, problems: Problems): UserValidationRule[] {
  const rules: UserValidationRule[] = [];
  const seen = new Set<string>();
  array(fields['userValidationRules'], `${path}.userValidationRules`, problems).forEach((value, i) => {
    const at = `${path}.userValidationRules[${i}]`;
    const rule = object(value, at, ['expression', 'message'], problems) ?? {};
    const expression = string(rule, 'expression', at, problems) ?? '';
    const message = string(rule, 'message', at, problems);
    if (!expression) {
      problems.required(`${at}.expression`);
      return;
    }
    if (seen.has(expression)) {
      problems.duplicate(`${at}.expression`, expression);
      return;
    }
    seen.add(expression);
    const compiled = compileUserProgram(expression);
    if ('error' in compiled) problems.invalid(`${at}.expression`, expression, `compilation failed: ${compiled.error}`);
    else rules.push({ expression: compiled.program, ...(message ? { message } : {}) });
  });
  return rules;
}

function validateJwtAuthenticator(value: unknown, path: string, problems: Problems): JwtAuthenticatorConfig | undefined {
  const fields = object(value, path, ['issuer', 'claimValidationRules', 'claimMappings', 'userValidationRules'], problems);
  if (!fields) {
    problems.required(path);
    return undefined;
  }
  const issuer = validateIssuer(fields['issuer'], `${path}.issuer`, problems);
  const claimValidationRules = validateClaimValidationRules(fields, path, problems);
  const { mappings, usesEmail } = validateClaimMappings(fields['claimMappings'], `${path}.claimMappings`, problems);
  const userValidationRules = validateUserValidationRules(fields, path, problems);
  // As the API server: a username taken from claims.email by expression must also look at claims.email_verified.
  if (usesEmail) {
    const programs = [mappings.username.expression, ...mappings.extra.map((e) => e.valueExpression), ...claimValidationRules.map((r) => ('expression' in r ? r.expression : undefined))];
    if (!programs.some((p) => p !== undefined && usesClaim(p, 'email_verified'))) {
      problems.invalid(
        `${path}.claimMappings.username.expression`,
        mappings.username.expression?.source ?? '',
        'claims.email_verified must be used in claimMappings.username.expression or claimMappings.extra[*].valueExpression or claimValidationRules[*].expression when claims.email is used in claimMappings.username.expression',
      );
    }
  }
  return issuer ? { issuer, claimValidationRules, claimMappings: mappings, userValidationRules } : undefined;
}

export function validateAuthenticationConfiguration(document: unknown): {
  config?: Omit<AuthenticationConfiguration, 'source'>;
  problems: string[];
} {
  const problems = new Problems();
  const root = object(document, '', ['apiVersion', 'kind', 'jwt', 'anonymous'], problems);
  if (!root) {
    if (document === undefined || document === null) problems.list.push('the document is empty');
    return { problems: problems.list };
  }
  const apiVersion = root['apiVersion'];
  if (!AUTHENTICATION_CONFIG_API_VERSIONS.includes(apiVersion as never)) {
    problems.list.push(`apiVersion: Unsupported value: ${JSON.stringify(apiVersion ?? '')}: supported values: ${AUTHENTICATION_CONFIG_API_VERSIONS.map((v) => `"${v}"`).join(', ')}`);
  }
  if (root['kind'] !== 'AuthenticationConfiguration') {
    problems.list.push(`kind: Unsupported value: ${JSON.stringify(root['kind'] ?? '')}: supported values: "AuthenticationConfiguration"`);
  }
  if (root['anonymous'] !== undefined) {
    problems.forbidden('anonymous', 'Gatehouse never admits anonymous requests');
  }
  const raw = array(root['jwt'], 'jwt', problems, MAX_AUTHENTICATORS);
  const jwtPath = (i: number) => `jwt[${i}]`;
  if (raw.length === 0 && problems.list.length === 0) problems.required('jwt', 'at least one JWT issuer is required');

  const jwt: JwtAuthenticatorConfig[] = [];
  const seenIssuers = new Set<string>();
  const seenDiscovery = new Set<string>();
  raw.forEach((value, i) => {
    const authenticator = validateJwtAuthenticator(value, jwtPath(i), problems);
    if (!authenticator) return;
    const { url, discoveryURL } = authenticator.issuer;
    if (url && seenIssuers.has(url)) problems.duplicate(`${jwtPath(i)}.issuer.url`, url);
    seenIssuers.add(url);
    if (discoveryURL) {
      if (seenDiscovery.has(discoveryURL)) problems.duplicate(`${jwtPath(i)}.issuer.discoveryURL`, discoveryURL);
      seenDiscovery.add(discoveryURL);
    }
    jwt.push(authenticator);
  });
  if (problems.list.length > 0) return { problems: problems.list };
  return { config: { apiVersion: apiVersion as AuthenticationConfiguration['apiVersion'], jwt }, problems: [] };
}
