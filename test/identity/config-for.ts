// AuthenticationConfiguration documents pointing at a test issuer: a minimal one, or one of the shipped examples
// with its issuer URL and CA replaced by the test issuer's.
import { readFileSync } from 'node:fs';
import { parseConfigText } from '../../src/config/load.js';
import { parseAuthenticationConfiguration, type AuthenticationConfiguration } from '../../src/identity/authentication-config.js';
import type { TestOidcIssuer } from '../support/oidc-issuer.js';

export type JwtDocument = Record<string, unknown> & { issuer: Record<string, unknown> };

export function minimalJwt(issuer: TestOidcIssuer, overrides: Record<string, unknown> = {}): JwtDocument {
  return {
    issuer: { url: issuer.url, certificateAuthority: issuer.ca, audiences: ['gatehouse'] },
    claimMappings: { username: { claim: 'sub', prefix: 'test:' }, groups: { claim: 'groups', prefix: '' } },
    ...overrides,
  };
}

export function configFor(...jwt: JwtDocument[]): AuthenticationConfiguration {
  return parseAuthenticationConfiguration({ apiVersion: 'apiserver.config.k8s.io/v1', kind: 'AuthenticationConfiguration', jwt }, 'test');
}

/** One of examples/authentication/*.yaml, read as the proxy reads it, with only the issuer URL and CA replaced. */
export function exampleFor(name: string, issuer: Pick<TestOidcIssuer, 'url' | 'ca'>): AuthenticationConfiguration {
  const path = new URL(`../../examples/authentication/${name}`, import.meta.url);
  const doc = parseConfigText(readFileSync(path, 'utf8'), name) as unknown as { jwt: JwtDocument[] };
  for (const jwt of doc.jwt) Object.assign(jwt.issuer, { url: issuer.url, certificateAuthority: issuer.ca });
  return parseAuthenticationConfiguration(doc, name);
}
