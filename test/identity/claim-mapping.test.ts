import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAuthenticationConfiguration, type JwtAuthenticatorConfig } from '../../src/identity/authentication-config.js';
import { mapClaims } from '../../src/identity/claim-mapping.js';

function authenticator(jwt: Record<string, unknown>): JwtAuthenticatorConfig {
  const config = parseAuthenticationConfiguration(
    { apiVersion: 'apiserver.config.k8s.io/v1', kind: 'AuthenticationConfiguration', jwt: [{ issuer: { url: 'https://issuer.example', audiences: ['a'] }, ...jwt }] },
    'test',
  );
  return config.jwt[0]!;
}

const refusal = (result: ReturnType<typeof mapClaims>) => (result.ok ? assert.fail(`expected a refusal, got ${JSON.stringify(result.user)}`) : result.reason);

describe('claim mapping (the API server semantics plus Gatehouse refusals)', () => {
  it('maps username, groups, uid and extra by claim and by expression', () => {
    const config = authenticator({
      claimMappings: {
        username: { claim: 'email', prefix: 'corp:' },
        groups: { expression: "claims.roles.map(r, 'role:' + r)" },
        uid: { expression: "'id-' + claims.sub" },
        extra: [
          { key: 'example.com/teams', valueExpression: 'claims.teams' },
          { key: 'example.com/empty', valueExpression: "''" },
          { key: 'example.com/none', valueExpression: 'null' },
        ],
      },
    });
    const result = mapClaims(config, { sub: '7', email: 'a@b.c', email_verified: true, roles: ['dev'], teams: ['x', '', 'y'] });
    assert.ok(result.ok);
    assert.deepEqual(result.user, { username: 'corp:a@b.c', groups: ['role:dev'], uid: 'id-7', extra: { 'example.com/teams': ['x', 'y'] } });
  });

  it('refuses an unverified email used as the username claim, and accepts one without email_verified', () => {
    const config = authenticator({ claimMappings: { username: { claim: 'email', prefix: '' } } });
    assert.match(refusal(mapClaims(config, { email: 'a@b.c', email_verified: false })), /email not verified/);
    assert.match(refusal(mapClaims(config, { email: 'a@b.c', email_verified: 'true' })), /email not verified/);
    assert.ok(mapClaims(config, { email: 'a@b.c' }).ok);
  });

  it('refuses a groups claim the token distributes to another endpoint, rather than fetch it or drop the groups', () => {
    const config = authenticator({ claimMappings: { username: { claim: 'sub', prefix: '' }, groups: { claim: 'groups', prefix: '' } } });
    const distributed = { sub: 'u', _claim_names: { groups: 'src1' }, _claim_sources: { src1: { endpoint: 'https://graph.example.com/groups', access_token: 'at' } } };
    assert.match(refusal(mapClaims(config, distributed)), /claim "groups" is a distributed claim \(_claim_names\), which Gatehouse does not fetch/);
    // Present in the token itself, the claim wins, as at the API server; other distributed claims do not matter.
    assert.deepEqual((mapClaims(config, { ...distributed, groups: ['dev'] }) as { user: { groups: string[] } }).user.groups, ['dev']);
    const other = mapClaims(config, { sub: 'u', _claim_names: { roles: 'src1' } });
    assert.ok(other.ok && !other.user.groups?.length);
  });

  it('refuses missing or mistyped claims and expressions with the wrong result type', () => {
    assert.match(refusal(mapClaims(authenticator({ claimMappings: { username: { claim: 'name', prefix: '' } } }), { sub: 'x' })), /claim "name" not present/);
    assert.match(refusal(mapClaims(authenticator({ claimMappings: { username: { claim: 'sub', prefix: '' } } }), { sub: 5 })), /not a string/);
    assert.match(refusal(mapClaims(authenticator({ claimMappings: { username: { expression: 'claims.n' } } }), { n: 1 })), /must return a string/);
    assert.match(refusal(mapClaims(authenticator({ claimMappings: { username: { expression: 'claims.sub' }, groups: { expression: '[1]' } } }), { sub: 'x' })), /a string or a list of strings/);
    assert.match(refusal(mapClaims(authenticator({ claimMappings: { username: { claim: 'sub', prefix: '' }, uid: { claim: 'oid' } } }), { sub: 'x' })), /claim "oid" not present/);
    assert.match(refusal(mapClaims(authenticator({ claimMappings: { username: { expression: 'claims.missing' } } }), { sub: 'x' })), /claimMappings\.username\.expression evaluation failed: .*No such key/);
  });

  it('applies claim validation rules: required values and CEL with messages', () => {
    const config = authenticator({
      claimValidationRules: [{ claim: 'hd', requiredValue: 'example.com' }, { expression: "claims.sub.startsWith('u-')", message: 'subject must be a user' }],
      claimMappings: { username: { claim: 'sub', prefix: '' } },
    });
    assert.ok(mapClaims(config, { sub: 'u-1', hd: 'example.com' }).ok);
    assert.match(refusal(mapClaims(config, { sub: 'u-1' })), /required claim hd not present/);
    assert.match(refusal(mapClaims(config, { sub: 'u-1', hd: 'evil.com' })), /required claim hd does not have the required value/);
    assert.match(refusal(mapClaims(config, { sub: 'svc', hd: 'example.com' })), /claim validation failed: subject must be a user/);
    const nonBoolean = authenticator({ claimValidationRules: [{ expression: 'claims.sub' }], claimMappings: { username: { claim: 'sub', prefix: '' } } });
    assert.match(refusal(mapClaims(nonBoolean, { sub: 'x' })), /must return a boolean/);
  });

  it('applies user validation rules over the mapped user', () => {
    const config = authenticator({
      claimMappings: { username: { claim: 'sub', prefix: 'p:' }, groups: { claim: 'groups', prefix: '' } },
      userValidationRules: [{ expression: "!('admins' in user.groups) || user.username == 'p:root'", message: 'only root may be an admin' }],
    });
    assert.ok(mapClaims(config, { sub: 'root', groups: ['admins'] }).ok);
    assert.match(refusal(mapClaims(config, { sub: 'eve', groups: ['admins'] })), /user validation failed: only root may be an admin/);
  });

  it('refuses empty usernames and anything in system:', () => {
    const config = authenticator({ claimMappings: { username: { expression: 'claims.u' }, groups: { expression: 'claims.g' } } });
    assert.match(refusal(mapClaims(config, { u: '', g: [] })), /empty username/);
    assert.match(refusal(mapClaims(config, { u: 'system:admin', g: [] })), /username maps into the reserved "system:"/);
    assert.match(refusal(mapClaims(config, { u: 'x', g: 'system:masters' })), /group maps into the reserved "system:"/);
  });
});
