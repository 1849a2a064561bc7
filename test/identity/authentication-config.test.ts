import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError } from '../../src/config/config-error.js';
import { loadAuthenticationConfigFile, parseAuthenticationConfiguration } from '../../src/identity/authentication-config.js';
import { createTestTls, type TestTls } from '../support/tls.js';

const HEADER = { apiVersion: 'apiserver.config.k8s.io/v1beta1', kind: 'AuthenticationConfiguration' };

function jwt(overrides: Record<string, unknown> = {}, issuer: Record<string, unknown> = {}) {
  return {
    issuer: { url: 'https://issuer.example', audiences: ['gatehouse'], ...issuer },
    claimMappings: { username: { claim: 'sub', prefix: 'x:' } },
    ...overrides,
  };
}

function problems(...authenticators: unknown[]): string[] {
  try {
    parseAuthenticationConfiguration({ ...HEADER, jwt: authenticators }, 'auth.yaml');
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.issues.map((issue) => `${issue.path}: ${issue.message}`);
  }
  return [];
}

function assertProblem(list: string[], expected: string | RegExp): void {
  assert.ok(
    list.some((p) => (typeof expected === 'string' ? p.startsWith(expected) : expected.test(p))),
    `expected a problem matching ${expected}, got:\n${list.join('\n')}`,
  );
}

describe('AuthenticationConfiguration validation (the API server rules)', () => {
  let tls: TestTls;
  before(async () => {
    tls = await createTestTls();
  });
  after(() => tls.cleanup());

  it('accepts a complete configuration in v1beta1 and v1', () => {
    const doc = jwt({
      claimValidationRules: [{ claim: 'hd', requiredValue: 'example.com' }, { expression: "claims.sub != ''", message: 'sub required' }],
      claimMappings: {
        username: { expression: "'u:' + claims.sub" },
        groups: { claim: 'groups', prefix: '' },
        uid: { claim: 'sub' },
        extra: [{ key: 'example.com/team', valueExpression: 'claims.team' }],
      },
      userValidationRules: [{ expression: "!user.username.startsWith('system:')", message: 'no system users' }],
    }, { certificateAuthority: tls.ca, discoveryURL: 'https://discovery.example/.well-known/openid-configuration', audiences: ['a', 'b'], audienceMatchPolicy: 'MatchAny' });
    assert.deepEqual(problems(doc), []);
    const config = parseAuthenticationConfiguration({ ...HEADER, apiVersion: 'apiserver.config.k8s.io/v1', jwt: [doc] }, 'x');
    assert.equal(config.jwt[0]?.claimMappings.extra[0]?.key, 'example.com/team');
  });

  it('requires https issuer URLs without credentials, query or fragment', () => {
    assertProblem(problems(jwt({}, { url: 'http://issuer.example' })), 'jwt[0].issuer.url: Invalid value: "http://issuer.example": URL scheme must be https');
    assertProblem(problems(jwt({}, { url: 'https://u:p@issuer.example' })), /jwt\[0\]\.issuer\.url: .*username or password/);
    assertProblem(problems(jwt({}, { url: 'https://issuer.example?a=1' })), /jwt\[0\]\.issuer\.url: .*must not contain a query/);
    assertProblem(problems(jwt({}, { url: 'https://issuer.example#f' })), /jwt\[0\]\.issuer\.url: .*must not contain a fragment/);
    assertProblem(problems(jwt({}, { url: '' })), 'jwt[0].issuer.url: Required value');
    assertProblem(problems(jwt({}, { discoveryURL: 'https://issuer.example/' })), /discoveryURL must be different from URL/);
  });

  it('requires unique issuers and discovery URLs', () => {
    assertProblem(problems(jwt(), jwt()), 'jwt[1].issuer.url: Duplicate value: "https://issuer.example"');
    const d = 'https://d.example/.well-known/openid-configuration';
    assertProblem(problems(jwt({}, { discoveryURL: d }), jwt({}, { url: 'https://other.example', discoveryURL: d })), 'jwt[1].issuer.discoveryURL: Duplicate value');
  });

  it('checks audiences and audienceMatchPolicy', () => {
    assertProblem(problems(jwt({}, { audiences: [] })), 'jwt[0].issuer.audiences: Required value');
    assertProblem(problems(jwt({}, { audiences: ['a', 'b'] })), /jwt\[0\]\.issuer\.audienceMatchPolicy: .*must be MatchAny for multiple audiences/);
    assertProblem(problems(jwt({}, { audiences: ['a'], audienceMatchPolicy: 'MatchAll' })), /must be empty or MatchAny for single audience/);
    assertProblem(problems(jwt({}, { audiences: ['a', 'a'], audienceMatchPolicy: 'MatchAny' })), 'jwt[0].issuer.audiences[1]: Duplicate value: "a"');
    assertProblem(problems(jwt({}, { audiences: [''] })), 'jwt[0].issuer.audiences[0]: Required value');
  });

  it('checks the certificate authority without printing it', () => {
    const list = problems(jwt({}, { certificateAuthority: 'not a certificate' }));
    assertProblem(list, 'jwt[0].issuer.certificateAuthority: Invalid value: "<omitted>"');
    assert.ok(!list.join('\n').includes('not a certificate'));
  });

  it('requires a username prefix when the claim is set, and keeps claim and expression apart', () => {
    assertProblem(problems(jwt({ claimMappings: { username: { claim: 'sub' } } })), 'jwt[0].claimMappings.username.prefix: Required value: prefix is required when claim is set');
    assertProblem(problems(jwt({ claimMappings: { username: { claim: 'sub', prefix: '', expression: 'claims.sub' } } })), /jwt\[0\]\.claimMappings\.username: .*claim and expression can't both be set/);
    assertProblem(problems(jwt({ claimMappings: { username: { expression: 'claims.sub', prefix: 'p' } } })), /jwt\[0\]\.claimMappings\.username\.prefix: .*may not be specified when expression is set/);
    assertProblem(problems(jwt({ claimMappings: {} })), 'jwt[0].claimMappings.username: Required value');
    assertProblem(problems(jwt({ claimMappings: { username: { claim: 'sub', prefix: '' }, uid: { claim: 'sub', expression: 'claims.sub' } } })), /jwt\[0\]\.claimMappings\.uid: .*can't both be set/);
  });

  it('requires email_verified alongside an email username expression', () => {
    assertProblem(problems(jwt({ claimMappings: { username: { expression: 'claims.email' } } })), /jwt\[0\]\.claimMappings\.username\.expression: .*claims\.email_verified must be used/);
    assert.deepEqual(problems(jwt({ claimMappings: { username: { expression: "claims.email_verified ? claims.email : ''" } } })), []);
    assert.deepEqual(problems(jwt({ claimMappings: { username: { expression: 'claims.email' } }, claimValidationRules: [{ expression: 'claims.email_verified == true' }] })), []);
    assert.deepEqual(problems(jwt({ claimMappings: { username: { expression: 'claims.?email.orValue("")' }, extra: [{ key: 'example.com/verified', valueExpression: 'has(claims.email_verified) ? "yes" : "no"' }] } })), []);
  });

  it('reads email and email_verified from the AST, as the API server does, not from the text', () => {
    const username = (expression: string) => problems(jwt({ claimMappings: { username: { expression } } }));
    // A comment or a string naming the claim does not satisfy the rule.
    assertProblem(username('claims.email // claims.email_verified'), /claims\.email_verified must be used/);
    assertProblem(username('claims.email + "claims.email_verified"'), /claims\.email_verified must be used/);
    assertProblem(username('claims.?email.orValue("x")'), /claims\.email_verified must be used/);
    // An index is not a selection, for either claim (the API server's test looks for selections only).
    assert.deepEqual(username('claims["email"]'), []);
    assertProblem(username('claims.email_verified_at != "" ? claims.email : ""'), /claims\.email_verified must be used/);
  });

  it('checks extra keys: domain-prefixed, lowercase, not Kubernetes-reserved, unique, with an expression', () => {
    const extra = (key: string, valueExpression = 'claims.sub') => problems(jwt({ claimMappings: { username: { claim: 'sub', prefix: '' }, extra: [{ key, valueExpression }] } }));
    assertProblem(extra('team'), /jwt\[0\]\.claimMappings\.extra\[0\]\.key: .*must be a domain-prefixed path/);
    assertProblem(extra('Example.com/team'), /must be lowercase/);
    assertProblem(extra('authentication.kubernetes.io/team'), /reserved for Kubernetes use/);
    assertProblem(extra('k8s.io/team'), /reserved for Kubernetes use/);
    assertProblem(extra('example.com/team', ''), 'jwt[0].claimMappings.extra[0].valueExpression: Required value');
    const dup = problems(jwt({ claimMappings: { username: { claim: 'sub', prefix: '' }, extra: [{ key: 'a.io/x', valueExpression: 'claims.sub' }, { key: 'a.io/x', valueExpression: 'claims.sub' }] } }));
    assertProblem(dup, 'jwt[0].claimMappings.extra[1].key: Duplicate value: "a.io/x"');
  });

  it('checks claim validation rules and user validation rules', () => {
    assertProblem(problems(jwt({ claimValidationRules: [{ claim: 'a', expression: 'true' }] })), /claimValidationRules\[0\]: .*can't both be set/);
    assertProblem(problems(jwt({ claimValidationRules: [{}] })), 'jwt[0].claimValidationRules[0]: Required value: claim or expression is required');
    assertProblem(problems(jwt({ claimValidationRules: [{ claim: 'a', message: 'm' }] })), /claimValidationRules\[0\]\.message: .*may not be specified when claim is set/);
    assertProblem(problems(jwt({ claimValidationRules: [{ expression: 'true', requiredValue: 'x' }] })), /claimValidationRules\[0\]\.requiredValue: .*may not be specified when expression is set/);
    assertProblem(problems(jwt({ claimValidationRules: [{ claim: 'a' }, { claim: 'a' }] })), 'jwt[0].claimValidationRules[1].claim: Duplicate value');
    assertProblem(problems(jwt({ userValidationRules: [{ message: 'm' }] })), 'jwt[0].userValidationRules[0].expression: Required value');
  });

  it('names the field of a CEL compile error', () => {
    assertProblem(problems(jwt({ claimMappings: { username: { expression: "claims.sub +" } } })), /^jwt\[0\]\.claimMappings\.username\.expression: Invalid value: .*compilation failed: 1:13/);
    assertProblem(problems(jwt({ userValidationRules: [{ expression: 'claims.sub == "x"' }] })), /^jwt\[0\]\.userValidationRules\[0\]\.expression: .*compilation failed/);
  });

  it('rejects unknown fields, wrong types, wrong kinds, anonymous and egress selectors', () => {
    assertProblem(problems(jwt({}, { audience: 'x' })), /^jwt\[0\]\.issuer\.audience: unknown field \(known fields: url, discoveryURL, /);
    assertProblem(problems(jwt({ claimMappings: { username: { claim: 'sub', prefix: '', expresion: 'x' } } })), /^jwt\[0\]\.claimMappings\.username\.expresion: unknown field/);
    assertProblem(problems(jwt({ claimMappings: { username: { claim: 7, prefix: '' } } })), 'jwt[0].claimMappings.username.claim: must be a string (got a number)');
    assertProblem(problems(jwt({}, { audiences: 'gatehouse' })), /jwt\[0\]\.issuer\.audiences: .*must be a list/);
    assertProblem(problems(jwt({}, { egressSelectorType: 'cluster' })), 'jwt[0].issuer.egressSelectorType: Forbidden');
    assert.throws(() => parseAuthenticationConfiguration({ ...HEADER, kind: 'Other', jwt: [jwt()] }, 'f'), /f: kind: Unsupported value/);
    assert.throws(() => parseAuthenticationConfiguration({ ...HEADER, apiVersion: 'apiserver.config.k8s.io/v1alpha1', jwt: [jwt()] }, 'f'), /f: apiVersion: Unsupported value/);
    assert.throws(() => parseAuthenticationConfiguration({ ...HEADER, jwt: [jwt()], anonymous: { enabled: true } }, 'f'), /f: anonymous: Forbidden/);
    assert.throws(() => parseAuthenticationConfiguration({ ...HEADER, jwt: [] }, 'f'), /f: jwt: Required value/);
    assert.throws(() => parseAuthenticationConfiguration({ ...HEADER, jwt: Array.from({ length: 65 }, () => jwt()) }, 'f'), /f: jwt: must have at most 64 items \(got 65\)/);
    assert.throws(() => parseAuthenticationConfiguration({ ...HEADER, metadata: { name: 'x' }, jwt: [jwt()] }, 'f'), /f: metadata\.name: unknown field \(this mapping has no fields\)/);
    assert.throws(() => parseAuthenticationConfiguration(['x'], 'f'), (err: Error) => err.message === 'f: must be a mapping (got a list)');
    assert.throws(() => parseAuthenticationConfiguration(null, 'f'), (err: Error) => err.message === 'f: the document is empty');
  });

  it('loads files with the configuration loader, naming the file (and line) in every error, and refuses YAML aliases', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-authn-'));
    try {
      const good = join(dir, 'good.yaml');
      writeFileSync(good, `apiVersion: apiserver.config.k8s.io/v1beta1\nkind: AuthenticationConfiguration\njwt:\n- issuer:\n    url: https://issuer.example\n    audiences: [gatehouse]\n  claimMappings:\n    username: {claim: sub, prefix: "x:"}\n`);
      assert.equal(loadAuthenticationConfigFile(good).jwt[0]?.issuer.url, 'https://issuer.example');
      const bad = join(dir, 'bad.yaml');
      writeFileSync(bad, `apiVersion: apiserver.config.k8s.io/v1beta1\nkind: AuthenticationConfiguration\njwt:\n- issuer:\n    url: https://issuer.example\n    audiences: [gatehouse]\n  claimMappings:\n    username: {claim: sub}\n`);
      assert.throws(() => loadAuthenticationConfigFile(bad), (err: Error) => err.message === `${bad}: jwt[0].claimMappings.username.prefix: Required value: prefix is required when claim is set. It can be set to an empty string to disable prefixing`);
      const alias = join(dir, 'alias.yaml');
      writeFileSync(alias, `a: &x [1, 2]\nb: *x\n`);
      assert.throws(() => loadAuthenticationConfigFile(alias), (err: Error) => err instanceof ConfigError && err.message === `${alias}:2: invalid YAML: aliases exceeded maxAliases (0)`);
      assert.throws(() => loadAuthenticationConfigFile(join(dir, 'missing.yaml')), /missing\.yaml: cannot read: ENOENT/);
      const syntax = join(dir, 'syntax.yaml');
      writeFileSync(syntax, 'jwt: [\n');
      assert.throws(() => loadAuthenticationConfigFile(syntax), /syntax\.yaml:1: invalid YAML:/);
      const duplicateKey = join(dir, 'duplicate.yaml');
      writeFileSync(duplicateKey, `apiVersion: apiserver.config.k8s.io/v1\nkind: AuthenticationConfiguration\njwt: []\njwt: []\n`);
      assert.throws(() => loadAuthenticationConfigFile(duplicateKey), /duplicate\.yaml:4: invalid YAML: duplicated mapping key/);
      const large = join(dir, 'large.yaml');
      writeFileSync(large, `# ${'x'.repeat(1024 * 1024)}\n`);
      assert.throws(() => loadAuthenticationConfigFile(large), /large\.yaml: cannot read: file is larger than the limit of 1048576 bytes/);
      const json = join(dir, 'config.json');
      writeFileSync(json, JSON.stringify({ ...HEADER, jwt: [jwt()] }));
      assert.equal(loadAuthenticationConfigFile(json).jwt[0]?.claimMappings.username.prefix, 'x:');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
