// Token verification throughput, in one run against a baseline measured alongside:
//   baseline  raw jose jwtVerify with a local key (issuer, audience and algorithm checked)
//   distinct  Gatehouse authenticate() on tokens it has never seen: shape checks, issuer routing, key lookup,
//             signature, time/audience checks, claim mapping, cache insert, metrics. Target: ≥ 0.8× the baseline.
//             Measured with two configurations: `claim` (username from `sub`, no CEL: the verification path itself)
//             and `github-actions` (the shipped example: a CEL validation rule, CEL groups and seven CEL extra values).
//   cached    Gatehouse authenticate() on a token it has verified before. Target: ≥ 200,000 verifications/s.
// Each round mints fresh tokens, then times the baseline and Gatehouse on them back to back (alternating which goes
// first); the ratio is taken per round and the median reported, so machine load shared by both cancels out.
// Usage: node --import tsx bench/token-verify.bench.ts [--tokens N] [--rounds N] [--cached-ops N] [--json]
import { performance } from 'node:perf_hooks';
import { importJWK, jwtVerify } from 'jose';
import { Registry } from 'prom-client';
import { readConfigFile } from '../src/config/load.js';
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
const TOKENS = option('--tokens', 400);
const ROUNDS = option('--rounds', 9);
const CACHED_OPS = option('--cached-ops', 200_000);

const issuer = await startOidcIssuer();
const examplePath = new URL('../examples/authentication/github-actions.yaml', import.meta.url).pathname;
const example = (await readConfigFile(examplePath)) as unknown as { jwt: Array<Record<string, unknown> & { issuer: Record<string, unknown> }> };
Object.assign(example.jwt[0]!.issuer, { url: issuer.url, certificateAuthority: issuer.ca });
const byClaim = { ...example, jwt: [{ issuer: example.jwt[0]!.issuer, claimMappings: { username: { claim: 'sub', prefix: 'github:' } } }] };
const configurations = { claim: byClaim, 'github-actions': example };
// As the proxy runs it: with a metrics registry, and a cache large enough that no round evicts another's tokens.
const authenticators = Object.entries(configurations).map(([name, doc]) => ({
  name,
  authn: createAuthenticator(parseAuthenticationConfiguration(doc, name), { metrics: new Registry(), tokenCacheSize: TOKENS * (ROUNDS + 2) }),
}));
for (const { authn } of authenticators) {
  await authn.whenLoaded();
  if (!authn.ready()) throw new Error(`issuer keys did not load: ${JSON.stringify(authn.readiness())}`);
}

interface Row {
  config: string;
  alg: IssuerAlgorithm;
  baselineOpsPerSec: number;
  distinctOpsPerSec: number;
  distinctRatio: number;
}

async function mint(alg: IssuerAlgorithm, count: number, tag: string): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(await issuer.issue(githubActionsClaims({ repository: 'example-org/app', run_id: String(i), jti: `${tag}-${i}` }), { alg }));
  return out;
}

/** Operations per second of `fn` over `count` operations. */
async function opsPerSec(count: number, fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  return (count / (performance.now() - start)) * 1000;
}

async function measureDistinct(config: string, authn: Authenticator, alg: IssuerAlgorithm): Promise<Row> {
  const localKey = await importJWK(issuer.keys.find((k) => k.alg === alg)!.publicJwk, alg);
  const baseline = async (tokens: string[]) => {
    for (const t of tokens) await jwtVerify(t, localKey, { issuer: issuer.url, audience: 'gatehouse', algorithms: [alg] });
  };
  const subject = async (tokens: string[]) => {
    for (const t of tokens) if (!(await authn.authenticate(t)).ok) throw new Error('token refused');
  };
  // Warm both paths on their own tokens; every round then gets fresh ones, so Gatehouse's cache never hits.
  const warm = await mint(alg, 200, `${config}-${alg}-warm`);
  await baseline(warm);
  await subject(warm);
  const baselineRates: number[] = [];
  const subjectRates: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const tokens = await mint(alg, TOKENS, `${config}-${alg}-${round}`);
    let b = 0;
    let s = 0;
    if (round % 2 === 0) {
      b = await opsPerSec(TOKENS, () => baseline(tokens));
      s = await opsPerSec(TOKENS, () => subject(tokens));
    } else {
      s = await opsPerSec(TOKENS, () => subject(tokens));
      b = await opsPerSec(TOKENS, () => baseline(tokens));
    }
    baselineRates.push(b);
    subjectRates.push(s);
    ratios.push(s / b);
  }
  return { config, alg, baselineOpsPerSec: median(baselineRates), distinctOpsPerSec: median(subjectRates), distinctRatio: median(ratios) };
}

async function measureCached(authn: Authenticator): Promise<number> {
  const tokens = await mint('ES256', 100, 'cached');
  for (const t of tokens) if (!(await authn.authenticate(t)).ok) throw new Error('token refused');
  const rates: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    rates.push(await opsPerSec(CACHED_OPS, async () => {
      for (let i = 0; i < CACHED_OPS; i++) await authn.authenticate(tokens[i % tokens.length]!);
    }));
  }
  return median(rates);
}

try {
  const rows: Row[] = [];
  for (const { name, authn } of authenticators) for (const alg of ['ES256', 'RS256'] as const) rows.push(await measureDistinct(name, authn, alg));
  const cachedOpsPerSec = await measureCached(authenticators[1]!.authn);
  const result = { tokensPerRound: TOKENS, rounds: ROUNDS, node: process.version, rows, cachedOpsPerSec, cachedTarget: 200_000, distinctTarget: 0.8 };
  if (args.includes('--json')) console.log(JSON.stringify(result, null, 2));
  else {
    console.log(`token verification, ${TOKENS} fresh tokens × ${ROUNDS} rounds (medians; ratio = median of per-round ratios), Node ${process.version}`);
    console.log('mapping        | alg    | raw jose ops/s | gatehouse distinct ops/s | ratio (target ≥ 0.80)');
    for (const r of rows) {
      console.log(`${r.config.padEnd(14)} | ${r.alg.padEnd(6)} | ${fmt(r.baselineOpsPerSec, 0).padStart(14)} | ${fmt(r.distinctOpsPerSec, 0).padStart(24)} | ${fmt(r.distinctRatio)}`);
    }
    console.log(`cached token path (github-actions): ${fmt(cachedOpsPerSec, 0)} verifications/s (target ≥ 200000)`);
  }
} finally {
  for (const { authn } of authenticators) await authn.close();
  await issuer.stop();
}
