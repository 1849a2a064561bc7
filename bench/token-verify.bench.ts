// Token verification throughput, in one run against a baseline measured alongside:
//   baseline  raw jose jwtVerify with a local key (issuer, audience and algorithm checked)
//   distinct  Gatehouse authenticate() on tokens it has never seen: shape checks, issuer routing, key lookup,
//             signature, time/audience checks, claim mapping, cache insert. Target: ≥ 0.8× the baseline. Measured
//             with two configurations: `claim` (username from `sub`, no CEL: the verification path itself) and
//             `github-actions` (the shipped example: a CEL validation rule, CEL groups and seven CEL extra values).
//   cached    Gatehouse authenticate() on a token it has verified before. Target: ≥ 200,000 verifications/s.
// Usage: node --import tsx bench/token-verify.bench.ts [--tokens N] [--rounds N] [--json]
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { jwtVerify, type CryptoKey } from 'jose';
import { parse } from 'yaml';
import { parseAuthenticationConfiguration } from '../src/identity/authentication-config.js';
import { createAuthenticator } from '../src/identity/authenticator.js';
import type { Authenticator } from '../src/identity/principal.js';
import { githubActionsClaims, startOidcIssuer, type IssuerAlgorithm } from '../test/support/oidc-issuer.js';
import { fmt, median } from './support/stats.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const TOKENS = option('--tokens', 1000);
const ROUNDS = option('--rounds', 5);
const CACHED_OPS = option('--cached-ops', 200_000);

const issuer = await startOidcIssuer();
const example = parse(readFileSync(new URL('../examples/authentication/github-actions.yaml', import.meta.url), 'utf8')) as { jwt: Array<Record<string, unknown> & { issuer: Record<string, unknown> }> };
Object.assign(example.jwt[0]!.issuer, { url: issuer.url, certificateAuthority: issuer.ca });
const byClaim = { ...example, jwt: [{ issuer: example.jwt[0]!.issuer, claimMappings: { username: { claim: 'sub', prefix: 'github:' } } }] };
const configurations = { claim: byClaim, 'github-actions': example };
const authenticators = Object.entries(configurations).map(([name, doc]) => ({
  name,
  authn: createAuthenticator(parseAuthenticationConfiguration(doc, name), { tokenCacheSize: TOKENS * (ROUNDS + 2) }),
}));
for (const { authn } of authenticators) {
  await authn.whenLoaded();
  if (!authn.ready()) throw new Error(`issuer keys did not load: ${JSON.stringify(authn.readiness())}`);
}
const authn = authenticators[1]!.authn;

interface Row {
  config: string;
  alg: IssuerAlgorithm;
  baselineOpsPerSec: number;
  distinctOpsPerSec: number;
  distinctRatio: number;
}

async function mint(alg: IssuerAlgorithm, count: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(await issuer.issue(githubActionsClaims({ repository: 'example-org/app', run_id: String(i), jti: `${alg}-${i}` }), { alg }));
  return out;
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function measureDistinct(config: string, authn: Authenticator, alg: IssuerAlgorithm): Promise<Row> {
  const key = issuer.keys.find((k) => k.alg === alg)!;
  const publicKey = (await import('jose')).importJWK(key.publicJwk, alg) as Promise<CryptoKey>;
  const localKey = await publicKey;
  // Warm both paths on their own tokens, then give each round fresh tokens so Gatehouse's cache never hits.
  const warm = await mint(alg, 200);
  for (const t of warm) await jwtVerify(t, localKey, { issuer: issuer.url, audience: 'gatehouse', algorithms: [alg] });
  for (const t of warm) if (!(await authn.authenticate(t)).ok) throw new Error('warm-up token refused');
  const baseline: number[] = [];
  const subject: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const tokens = await mint(alg, TOKENS);
    baseline.push(await timed(async () => {
      for (const t of tokens) await jwtVerify(t, localKey, { issuer: issuer.url, audience: 'gatehouse', algorithms: [alg] });
    }));
    subject.push(await timed(async () => {
      for (const t of tokens) if (!(await authn.authenticate(t)).ok) throw new Error('token refused');
    }));
  }
  const baselineOpsPerSec = (TOKENS / median(baseline)) * 1000;
  const distinctOpsPerSec = (TOKENS / median(subject)) * 1000;
  return { config, alg, baselineOpsPerSec, distinctOpsPerSec, distinctRatio: distinctOpsPerSec / baselineOpsPerSec };
}

async function measureCached(): Promise<number> {
  const tokens = await mint('ES256', 100);
  for (const t of tokens) await authn.authenticate(t);
  const rounds: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    rounds.push(await timed(async () => {
      for (let i = 0; i < CACHED_OPS; i++) await authn.authenticate(tokens[i % tokens.length]!);
    }));
  }
  return (CACHED_OPS / median(rounds)) * 1000;
}

try {
  const rows: Row[] = [];
  for (const { name, authn: subject } of authenticators) for (const alg of ['ES256', 'RS256'] as const) rows.push(await measureDistinct(name, subject, alg));
  const cachedOpsPerSec = await measureCached();
  const result = { tokensPerRound: TOKENS, rounds: ROUNDS, node: process.version, rows, cachedOpsPerSec, cachedTarget: 200_000, distinctTarget: 0.8 };
  if (args.includes('--json')) console.log(JSON.stringify(result, null, 2));
  else {
    console.log(`token verification, ${TOKENS} tokens × ${ROUNDS} rounds (median), Node ${process.version}`);
    console.log('mapping        | alg    | raw jose ops/s | gatehouse distinct ops/s | ratio (target ≥ 0.80)');
    for (const r of rows) {
      console.log(`${r.config.padEnd(14)} | ${r.alg.padEnd(6)} | ${fmt(r.baselineOpsPerSec, 0).padStart(14)} | ${fmt(r.distinctOpsPerSec, 0).padStart(24)} | ${fmt(r.distinctRatio)}`);
    }
    console.log(`cached token path: ${fmt(cachedOpsPerSec, 0)} verifications/s (target ≥ 200000)`);
  }
} finally {
  for (const { authn: subject } of authenticators) await subject.close();
  await issuer.stop();
}
