// `kind: ProxyConfiguration` (gatehouse.dev/v1alpha1): every `gatehouse proxy` setting, plus access policies and
// limits. Read strictly (unknown fields are errors) with every problem reported by field path; the command-line
// flags override what the file says (settings.ts merges both).
import { CelCompileError } from '../cel/index.js';
import { ConfigError } from '../config/config-error.js';
import { Field, Issues, type ObjectReader } from '../config/fields.js';
import { readConfigFile } from '../config/load.js';
import { CONFIG_API_VERSION, readObjectHeader } from '../config/object-header.js';
import { AccessPolicyError, compileAccessPolicies, type AccessCondition, type AccessPolicySet, type AccessPolicySpec } from './access-policy.js';
import type { ClientImpersonationMode } from './admission-pipeline.js';

export const PROXY_CONFIGURATION_KIND = 'ProxyConfiguration';

export interface UpstreamOptions {
  url?: string;
  caFile?: string;
  tokenFile?: string;
  clientCertFile?: string;
  clientKeyFile?: string;
  inCluster?: boolean;
  kubeconfig?: string;
}

export interface ProxyLimits {
  maxRequestBodyBytes: number;
  maxHeaderBytes: number;
  maxConnections: number;
  requestHeadersTimeoutSeconds: number;
  requestTimeoutSeconds: number;
  requestBodyIdleTimeoutSeconds: number;
  upstreamResponseTimeoutSeconds: number;
  upstreamCallTimeoutSeconds: number;
  shutdownGracePeriodSeconds: number;
}

export const DEFAULT_LIMITS: ProxyLimits = {
  // The API server's own request body limit is 3 MiB.
  maxRequestBodyBytes: 3 * 1024 * 1024,
  maxHeaderBytes: 32 * 1024,
  maxConnections: 4096,
  requestHeadersTimeoutSeconds: 10,
  // The API server's own --request-timeout.
  requestTimeoutSeconds: 60,
  requestBodyIdleTimeoutSeconds: 10,
  upstreamResponseTimeoutSeconds: 60,
  upstreamCallTimeoutSeconds: 5,
  shutdownGracePeriodSeconds: 25,
};

export interface AccessOptions {
  policies: AccessPolicySpec[];
  requestHeaders: string[];
  namespaceCacheTTLSeconds: number;
}

/** What a ProxyConfiguration file says; every field optional (flags may supply it). */
export interface ProxyConfigurationFile {
  authenticationConfig?: string;
  listen?: string;
  operationsListen?: string;
  tls?: { certFile?: string; keyFile?: string };
  upstream?: UpstreamOptions;
  auditLog?: string;
  clientImpersonation?: ClientImpersonationMode;
  logLevel?: string;
  limits: ProxyLimits;
  access: AccessOptions;
  /** The compiled access policies. */
  accessPolicies: AccessPolicySet;
}

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;
const RESERVED_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const nonEmpty = (v: string) => (v.trim() === '' ? 'must not be empty' : undefined);

function readCondition(field: Field, withMessage: boolean): AccessCondition | undefined {
  const obj = field.object();
  if (!obj) return undefined;
  const name = obj.field('name', { required: true })?.string({ maxLength: 63, check: nonEmpty });
  const expression = obj.field('expression', { required: true })?.string({ maxLength: 10_000, check: nonEmpty });
  const message = withMessage ? obj.field('message')?.string({ maxLength: 1024 }) : undefined;
  obj.finish();
  if (name === undefined || expression === undefined) return undefined;
  return { name, expression, ...(message !== undefined ? { message } : {}) };
}

function readPolicy(field: Field): AccessPolicySpec | undefined {
  const obj = field.object();
  if (!obj) return undefined;
  const name = obj.field('name', { required: true })?.string({ maxLength: 63, check: nonEmpty });
  const matchConditions = obj.field('matchConditions')?.list((c) => readCondition(c, false), { maxItems: 64 }) ?? [];
  const validations = obj.field('validations', { required: true })?.list((c) => readCondition(c, true), { nonEmpty: true, maxItems: 64 });
  obj.finish();
  if (name === undefined || validations === undefined) return undefined;
  return { name, matchConditions, validations };
}

function readLimits(obj: ObjectReader | undefined): ProxyLimits {
  const limits = { ...DEFAULT_LIMITS };
  if (!obj) return limits;
  const set = (key: keyof ProxyLimits, min: number, max: number) => {
    const value = obj.field(key)?.integer({ min, max });
    if (value !== undefined) limits[key] = value;
  };
  set('maxRequestBodyBytes', 1024, 1024 * 1024 * 1024);
  set('maxHeaderBytes', 4096, 1024 * 1024);
  set('maxConnections', 1, 1_000_000);
  set('requestHeadersTimeoutSeconds', 1, 600);
  set('requestTimeoutSeconds', 1, 3600);
  set('requestBodyIdleTimeoutSeconds', 1, 600);
  set('upstreamResponseTimeoutSeconds', 1, 3600);
  set('upstreamCallTimeoutSeconds', 1, 300);
  set('shutdownGracePeriodSeconds', 0, 3600);
  if (limits.requestTimeoutSeconds < limits.requestHeadersTimeoutSeconds) {
    obj.issues.add(`${obj.path}.requestTimeoutSeconds`, `must be at least requestHeadersTimeoutSeconds (${limits.requestHeadersTimeoutSeconds}): the whole request includes its head`);
  }
  obj.finish();
  return limits;
}

function readUpstream(obj: ObjectReader): UpstreamOptions {
  const out: UpstreamOptions = {};
  for (const key of ['url', 'caFile', 'tokenFile', 'clientCertFile', 'clientKeyFile', 'kubeconfig'] as const) {
    const value = obj.field(key)?.string({ check: nonEmpty });
    if (value !== undefined) out[key] = value;
  }
  const inCluster = obj.field('inCluster')?.boolean();
  if (inCluster !== undefined) out.inCluster = inCluster;
  obj.finish();
  return out;
}

/** Validates a parsed document; throws ConfigError listing every problem (including CEL compile errors). */
export function readProxyConfiguration(value: unknown, file: string): ProxyConfigurationFile {
  const issues = new Issues();
  const doc = new Field(value, '', issues).object();
  const config: Omit<ProxyConfigurationFile, 'accessPolicies'> = {
    limits: { ...DEFAULT_LIMITS },
    access: { policies: [], requestHeaders: ['x-gatehouse-justification'], namespaceCacheTTLSeconds: 30 },
  };
  if (doc) {
    readObjectHeader(doc, PROXY_CONFIGURATION_KIND);
    for (const key of ['authenticationConfig', 'listen', 'operationsListen', 'auditLog'] as const) {
      const v = doc.field(key)?.string({ check: nonEmpty });
      if (v !== undefined) config[key] = v;
    }
    const tls = doc.field('tls')?.object();
    if (tls) {
      const certFile = tls.field('certFile')?.string({ check: nonEmpty });
      const keyFile = tls.field('keyFile')?.string({ check: nonEmpty });
      tls.finish();
      config.tls = { ...(certFile ? { certFile } : {}), ...(keyFile ? { keyFile } : {}) };
    }
    const upstream = doc.field('upstream')?.object();
    if (upstream) config.upstream = readUpstream(upstream);
    const impersonation = doc.field('clientImpersonation')?.string({ oneOf: ['Deny', 'SubjectAccessReview'] });
    if (impersonation) config.clientImpersonation = impersonation as ClientImpersonationMode;
    const logLevel = doc.field('logLevel')?.string({ oneOf: LOG_LEVELS });
    if (logLevel) config.logLevel = logLevel;
    config.limits = readLimits(doc.field('limits')?.object());
    const access = doc.field('access')?.object();
    if (access) {
      const policies = access.field('policies')?.list(readPolicy, { maxItems: 256 });
      const names = new Set<string>();
      policies?.forEach((p, i) => {
        if (names.has(p.name)) issues.add(`access.policies[${i}].name`, `duplicate policy name ${JSON.stringify(p.name)}`);
        names.add(p.name);
      });
      const headers = access.field('requestHeaders')?.list(
        (f) =>
          f.string({
            maxLength: 256,
            check: (v) => (!HEADER_NAME.test(v) ? 'must be a lower-case HTTP header name' : RESERVED_HEADERS.has(v) || v.startsWith('impersonate-') ? `${v} carries credentials and cannot be exposed to policies` : undefined),
          }),
        { unique: true, maxItems: 64 },
      );
      const ttl = access.field('namespaceCacheTTLSeconds')?.integer({ min: 0, max: 3600 });
      access.finish();
      if (policies) config.access.policies = policies;
      if (headers) config.access.requestHeaders = headers;
      if (ttl !== undefined) config.access.namespaceCacheTTLSeconds = ttl;
    }
    doc.finish();
  }
  let accessPolicies: AccessPolicySet | undefined;
  if (issues.empty) {
    try {
      accessPolicies = compileAccessPolicies(config.access.policies);
    } catch (err) {
      if (!(err instanceof AccessPolicyError || err instanceof CelCompileError)) throw err;
      const [path, ...rest] = err.message.split(': ');
      issues.add(path!, rest.join(': '));
    }
  }
  if (!issues.empty || !accessPolicies) throw new ConfigError(file, issues.list);
  return { ...config, accessPolicies };
}

/** The settings when no --config file is given: defaults only. */
export function emptyProxyConfiguration(): ProxyConfigurationFile {
  return readProxyConfiguration({ apiVersion: CONFIG_API_VERSION, kind: PROXY_CONFIGURATION_KIND }, '(defaults)');
}

export async function loadProxyConfiguration(file: string): Promise<ProxyConfigurationFile> {
  return readProxyConfiguration(await readConfigFile(file), file);
}
