// The API server's validation rules for AuthenticationConfiguration (k8s.io/apiserver apis/apiserver/validation),
// read with Gatehouse's configuration toolkit (src/config/fields.ts): structure problems (unknown fields — the API
// server decodes this file strictly —, wrong types, too many items) read as in every Gatehouse configuration, and
// rule violations use the API server's own wording, `<field path>: Required value`, `Invalid value: …`,
// `Duplicate value: …`, `Forbidden: …`, so they read the same as the API server's messages for the same file.
import { X509Certificate } from 'node:crypto';
import { Field, joinPath, ObjectReader, type Issues } from '../config/fields.js';
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
import { compileClaimsProgram, compileUserProgram, type Compiled } from './cel-programs.js';

const MAX_AUTHENTICATORS = 64;
const MAX_RULES = 64;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const HTTP_PATH = /^[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/;

// The API server's field error wording (k8s.io/apimachinery/pkg/util/validation/field).
const required = (detail?: string) => (detail ? `Required value: ${detail}` : 'Required value');
const invalid = (value: unknown, detail: string) => `Invalid value: ${JSON.stringify(value)}: ${detail}`;
const duplicate = (value: unknown) => `Duplicate value: ${JSON.stringify(value)}`;
const forbidden = (detail: string) => `Forbidden: ${detail}`;
const unsupported = (value: unknown, supported: readonly string[]) =>
  `Unsupported value: ${JSON.stringify(value)}: supported values: ${supported.map((v) => JSON.stringify(v)).join(', ')}`;

/** The mapping at `key`, or an empty one when absent (so its required fields are reported by name). */
function mapping(parent: ObjectReader, key: string): ObjectReader | undefined {
  const field = parent.field(key);
  return field ? field.object() : new ObjectReader({}, joinPath(parent.path, key), parent.issues);
}

/** A string field read as the API server's Go types do: '' when absent; undefined when not a string (reported). */
function text(parent: ObjectReader, key: string): string | undefined {
  const field = parent.field(key);
  return field ? field.string() : '';
}

function pathOf(parent: ObjectReader, key: string): string {
  return joinPath(parent.path, key);
}

function compiled<P>(result: Compiled<P>, expression: string, path: string, issues: Issues): P | undefined {
  if ('program' in result) return result.program;
  return issues.add(path, invalid(expression, `compilation failed: ${result.error}`));
}

function checkUrl(url: string, path: string, issues: Issues): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    issues.add(path, invalid(url, 'must be an absolute URL'));
    return;
  }
  if (parsed.protocol !== 'https:') issues.add(path, invalid(url, 'URL scheme must be https'));
  if (parsed.username || parsed.password) issues.add(path, invalid(url, 'URL must not contain a username or password'));
  if (parsed.search) issues.add(path, invalid(url, 'URL must not contain a query'));
  if (parsed.hash || url.includes('#')) issues.add(path, invalid(url, 'URL must not contain a fragment'));
}

function checkCertificateAuthority(pem: string, path: string, issues: Issues): void {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) {
    issues.add(path, invalid('<omitted>', 'data does not contain any valid RSA or ECDSA certificates'));
    return;
  }
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch (err) {
      issues.add(path, invalid('<omitted>', `cannot parse certificate: ${(err as Error).message}`));
    }
  }
}

function readIssuer(issuer: ObjectReader): IssuerConfig {
  const { issues } = issuer;
  const url = text(issuer, 'url');
  if (url === '') issues.add(pathOf(issuer, 'url'), required());
  else if (url !== undefined) checkUrl(url, pathOf(issuer, 'url'), issues);

  const discoveryURL = text(issuer, 'discoveryURL');
  if (discoveryURL) {
    if (url && url.replace(/\/+$/, '') === discoveryURL.replace(/\/+$/, '')) {
      issues.add(pathOf(issuer, 'discoveryURL'), invalid(discoveryURL, 'discoveryURL must be different from URL'));
    }
    checkUrl(discoveryURL, pathOf(issuer, 'discoveryURL'), issues);
  }

  const certificateAuthority = text(issuer, 'certificateAuthority');
  if (certificateAuthority) checkCertificateAuthority(certificateAuthority, pathOf(issuer, 'certificateAuthority'), issues);

  const audiencesPath = pathOf(issuer, 'audiences');
  const audiencesField = issuer.field('audiences');
  const seen = new Set<string>();
  const audiences =
    audiencesField?.list(
      (item) => {
        const audience = item.string();
        if (audience === '') return item.problem(required());
        if (audience === undefined) return undefined;
        if (seen.has(audience)) return item.problem(duplicate(audience));
        seen.add(audience);
        return audience;
      },
      { nonEmpty: required(`at least one ${audiencesPath} is required`), maxItems: MAX_RULES },
    ) ?? [];
  if (!audiencesField) issues.add(audiencesPath, required(`at least one ${audiencesPath} is required`));
  const count = Array.isArray(audiencesField?.value) ? audiencesField.value.length : 0;

  const audienceMatchPolicy = text(issuer, 'audienceMatchPolicy');
  if (count > 1 && audienceMatchPolicy !== 'MatchAny') {
    issues.add(pathOf(issuer, 'audienceMatchPolicy'), invalid(audienceMatchPolicy ?? '', 'audienceMatchPolicy must be MatchAny for multiple audiences'));
  }
  if (count === 1 && audienceMatchPolicy && audienceMatchPolicy !== 'MatchAny') {
    issues.add(pathOf(issuer, 'audienceMatchPolicy'), invalid(audienceMatchPolicy, 'audienceMatchPolicy must be empty or MatchAny for single audience'));
  }
  issuer.field('egressSelectorType')?.problem(forbidden('egress selectors are an API server feature; Gatehouse connects to issuers directly'));
  issuer.finish();
  return {
    url: url ?? '',
    ...(discoveryURL ? { discoveryURL } : {}),
    ...(certificateAuthority ? { certificateAuthority } : {}),
    audiences,
    ...(audienceMatchPolicy === 'MatchAny' ? { audienceMatchPolicy } : {}),
  };
}

function readClaimValidationRules(field: Field | undefined): ClaimValidationRule[] {
  const seenClaims = new Set<string>();
  const seenExpressions = new Set<string>();
  const rules = field?.list(
    (item): ClaimValidationRule | undefined => {
      const rule = item.object();
      if (!rule) return undefined;
      const claim = text(rule, 'claim');
      const requiredValue = text(rule, 'requiredValue');
      const expression = text(rule, 'expression');
      const message = text(rule, 'message');
      rule.finish();
      if (claim === undefined || requiredValue === undefined || expression === undefined || message === undefined) return undefined;
      if (claim && expression) return item.problem(invalid(claim, "claim and expression can't both be set"));
      if (!claim && !expression) return item.problem(required('claim or expression is required'));
      const { issues } = rule;
      const before = issues.list.length;
      if (claim) {
        if (message) issues.add(pathOf(rule, 'message'), invalid(message, 'may not be specified when claim is set'));
        if (seenClaims.has(claim)) issues.add(pathOf(rule, 'claim'), duplicate(claim));
        seenClaims.add(claim);
        return issues.list.length === before ? { claim, requiredValue } : undefined;
      }
      if (requiredValue) issues.add(pathOf(rule, 'requiredValue'), invalid(requiredValue, 'may not be specified when expression is set'));
      if (seenExpressions.has(expression)) return issues.add(pathOf(rule, 'expression'), duplicate(expression));
      seenExpressions.add(expression);
      const program = compiled(compileClaimsProgram(expression), expression, pathOf(rule, 'expression'), issues);
      return program && issues.list.length === before ? { expression: program, ...(message ? { message } : {}) } : undefined;
    },
    { maxItems: MAX_RULES },
  );
  return rules ?? [];
}

function readPrefixedClaimOrExpression(value: ObjectReader, requiredMapping: boolean): PrefixedClaimOrExpression {
  const { issues } = value;
  const claim = text(value, 'claim');
  const prefixField = value.field('prefix');
  const prefix = prefixField?.string();
  const expression = text(value, 'expression');
  value.finish();
  if (claim && expression) issues.add(value.path, invalid('', "claim and expression can't both be set"));
  else if (expression) {
    if (prefixField) issues.add(pathOf(value, 'prefix'), invalid(prefixField.value, 'may not be specified when expression is set'));
    const program = compiled(compileClaimsProgram(expression), expression, pathOf(value, 'expression'), issues);
    return program ? { expression: program } : {};
  } else if (claim) {
    if (!prefixField) {
      issues.add(pathOf(value, 'prefix'), required('prefix is required when claim is set. It can be set to an empty string to disable prefixing'));
    }
    return { claim, ...(prefix !== undefined ? { prefix } : {}) };
  } else if (requiredMapping && claim === '' && expression === '') {
    issues.add(value.path, required('claim or expression is required'));
  }
  return {};
}

function readUid(uid: ObjectReader): ClaimOrExpression {
  const claim = text(uid, 'claim');
  const expression = text(uid, 'expression');
  uid.finish();
  if (claim && expression) {
    uid.issues.add(uid.path, invalid('', "claim and expression can't both be set"));
    return {};
  }
  if (expression) {
    const program = compiled(compileClaimsProgram(expression), expression, pathOf(uid, 'expression'), uid.issues);
    return program ? { expression: program } : {};
  }
  return claim ? { claim } : {};
}

function checkExtraKey(key: string, path: string, issues: Issues): void {
  const slash = key.indexOf('/');
  const domain = slash > 0 ? key.slice(0, slash) : '';
  const rest = slash > 0 ? key.slice(slash + 1) : '';
  if (!domain || !rest) issues.add(path, invalid(key, 'must be a domain-prefixed path (such as "acme.io/foo")'));
  else {
    if (domain.length > 253 || !DNS1123_SUBDOMAIN.test(domain)) {
      issues.add(path, invalid(domain, "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"));
    }
    if (!HTTP_PATH.test(rest)) issues.add(path, invalid(rest, `Invalid path: must match the regex ${HTTP_PATH.source}`));
  }
  if (key !== key.toLowerCase()) issues.add(path, invalid(key, 'must be lowercase'));
  if (/^(.*\.)?(kubernetes\.io|k8s\.io)$/.test(domain)) issues.add(path, invalid(key, 'k8s.io, kubernetes.io and their subdomains are reserved for Kubernetes use'));
}

function readExtra(field: Field | undefined): ExtraMapping[] {
  const seenKeys = new Set<string>();
  const extra = field?.list(
    (item): ExtraMapping | undefined => {
      const entry = item.object();
      if (!entry) return undefined;
      const { issues } = entry;
      const before = issues.list.length;
      const key = text(entry, 'key');
      const valueExpression = text(entry, 'valueExpression');
      entry.finish();
      const keyPath = pathOf(entry, 'key');
      if (key === '') issues.add(keyPath, required());
      else if (key !== undefined) {
        checkExtraKey(key, keyPath, issues);
        if (seenKeys.has(key)) issues.add(keyPath, duplicate(key));
        seenKeys.add(key);
      }
      const valuePath = pathOf(entry, 'valueExpression');
      if (valueExpression === '') issues.add(valuePath, required());
      const program = valueExpression ? compiled(compileClaimsProgram(valueExpression), valueExpression, valuePath, issues) : undefined;
      return key && program && issues.list.length === before ? { key, valueExpression: program } : undefined;
    },
    { maxItems: MAX_RULES },
  );
  return extra ?? [];
}

function readClaimMappings(claimMappings: ObjectReader): ClaimMappings {
  const usernameField = claimMappings.field('username');
  if (!usernameField) claimMappings.issues.add(pathOf(claimMappings, 'username'), required('claim or expression is required'));
  const usernameReader = usernameField?.object();
  const username = usernameReader ? readPrefixedClaimOrExpression(usernameReader, true) : {};
  const groupsReader = mapping(claimMappings, 'groups');
  const groups = groupsReader ? readPrefixedClaimOrExpression(groupsReader, false) : {};
  const uidReader = mapping(claimMappings, 'uid');
  const uid = uidReader ? readUid(uidReader) : {};
  const extra = readExtra(claimMappings.field('extra'));
  claimMappings.finish();
  return { username, groups, uid, extra };
}

function readUserValidationRules(field: Field | undefined): UserValidationRule[] {
  const seen = new Set<string>();
  const rules = field?.list(
    (item): UserValidationRule | undefined => {
      const rule = item.object();
      if (!rule) return undefined;
      const expression = text(rule, 'expression');
      const message = text(rule, 'message');
      rule.finish();
      if (expression === '') return rule.issues.add(pathOf(rule, 'expression'), required());
      if (expression === undefined || message === undefined) return undefined;
      if (seen.has(expression)) return rule.issues.add(pathOf(rule, 'expression'), duplicate(expression));
      seen.add(expression);
      const program = compiled(compileUserProgram(expression), expression, pathOf(rule, 'expression'), rule.issues);
      return program && { expression: program, ...(message ? { message } : {}) };
    },
    { maxItems: MAX_RULES },
  );
  return rules ?? [];
}

/**
 * As the API server: a username expression that selects claims.email must come with an expression that selects
 * claims.email_verified. Both are read from the AST, as the API server does, so a comment or a string naming the
 * claim does not count, and neither does `claims["email"]`.
 */
function checkEmailVerified(config: JwtAuthenticatorConfig, path: string, issues: Issues): void {
  const { username, extra } = config.claimMappings;
  if (!username.expression?.selects('email')) return;
  const programs = [username.expression, ...extra.map((e) => e.valueExpression), ...config.claimValidationRules.map((r) => ('expression' in r ? r.expression : undefined))];
  if (programs.some((p) => p?.selects('email_verified'))) return;
  issues.add(
    `${path}.claimMappings.username.expression`,
    invalid(
      username.expression.source,
      'claims.email_verified must be used in claimMappings.username.expression or claimMappings.extra[*].valueExpression or claimValidationRules[*].expression when claims.email is used in claimMappings.username.expression',
    ),
  );
}

function readJwtAuthenticator(item: Field): JwtAuthenticatorConfig | undefined {
  const authenticator = item.object();
  if (!authenticator) return undefined;
  const before = authenticator.issues.list.length;
  const issuerReader = mapping(authenticator, 'issuer');
  const issuer = issuerReader && readIssuer(issuerReader);
  const claimValidationRules = readClaimValidationRules(authenticator.field('claimValidationRules'));
  const claimMappingsReader = mapping(authenticator, 'claimMappings');
  const claimMappings = claimMappingsReader && readClaimMappings(claimMappingsReader);
  const userValidationRules = readUserValidationRules(authenticator.field('userValidationRules'));
  authenticator.finish();
  if (!issuer || !claimMappings) return undefined;
  const config = { issuer, claimValidationRules, claimMappings, userValidationRules };
  checkEmailVerified(config, item.path, authenticator.issues);
  return authenticator.issues.list.length === before ? config : undefined;
}

/**
 * Validates a document and compiles its expressions. Returns the configuration only when there was no problem;
 * otherwise every problem is in `issues`.
 */
export function readAuthenticationConfiguration(document: unknown, issues: Issues): Omit<AuthenticationConfiguration, 'source'> | undefined {
  if (document === undefined || document === null) return issues.add('', 'the document is empty');
  const root = new Field(document, '', issues).object();
  if (!root) return undefined;
  const apiVersion = text(root, 'apiVersion');
  if (apiVersion !== undefined && !(AUTHENTICATION_CONFIG_API_VERSIONS as readonly string[]).includes(apiVersion)) {
    issues.add('apiVersion', unsupported(apiVersion, AUTHENTICATION_CONFIG_API_VERSIONS));
  }
  const kind = text(root, 'kind');
  if (kind !== undefined && kind !== 'AuthenticationConfiguration') issues.add('kind', unsupported(kind, ['AuthenticationConfiguration']));
  // Configuration files are read as Kubernetes objects, which gives them an empty metadata; the API server's type
  // has none, so anything inside it is unknown.
  root.field('metadata')?.object()?.finish();
  root.field('anonymous')?.problem(forbidden('Gatehouse never admits anonymous requests'));

  const seenIssuers = new Set<string>();
  const seenDiscovery = new Set<string>();
  const jwtField = root.field('jwt');
  if (!jwtField) issues.add('jwt', required('at least one JWT issuer is required'));
  const jwt = jwtField?.list(
    (item) => {
      const authenticator = readJwtAuthenticator(item);
      if (!authenticator) return undefined;
      const { url, discoveryURL } = authenticator.issuer;
      if (seenIssuers.has(url)) return issues.add(`${item.path}.issuer.url`, duplicate(url));
      seenIssuers.add(url);
      if (discoveryURL) {
        if (seenDiscovery.has(discoveryURL)) return issues.add(`${item.path}.issuer.discoveryURL`, duplicate(discoveryURL));
        seenDiscovery.add(discoveryURL);
      }
      return authenticator;
    },
    { nonEmpty: required('at least one JWT issuer is required'), maxItems: MAX_AUTHENTICATORS },
  );
  root.finish();
  if (!issues.empty || !jwt) return undefined;
  return { apiVersion: apiVersion as AuthenticationConfiguration['apiVersion'], jwt };
}
