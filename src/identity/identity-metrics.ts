// Prometheus metrics of token verification, on the registry the caller passes. The `issuer` label is always a
// configured issuer URL (or "unknown"), never a value taken from a token, so label cardinality stays bounded.
// Every request is authenticated, so its duration goes to a FastHistogram whose children are kept per label set.
import { Counter, type Registry } from 'prom-client';
import { FastHistogram, type HistogramChild } from '../server/fast-histogram.js';

export type AuthenticationOutcome = 'success' | 'cached' | 'failure';

export interface IdentityMetrics {
  authenticated(issuer: string, outcome: AuthenticationOutcome, seconds: number): void;
  jwksFetched(issuer: string, outcome: 'success' | 'failure'): void;
}

function reuse<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

export function createIdentityMetrics(registry: Registry | undefined): IdentityMetrics {
  if (!registry) return { authenticated() {}, jwksFetched() {} };
  const duration = reuse(
    registry,
    'gatehouse_authentication_duration_seconds',
    () =>
      new FastHistogram({
        name: 'gatehouse_authentication_duration_seconds',
        help: 'Time to authenticate a bearer token, by issuer and outcome (success, cached, failure).',
        labelNames: ['issuer', 'outcome'],
        buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25, 1, 5],
        registers: [registry],
      }),
  );
  const fetches = reuse(
    registry,
    'gatehouse_jwks_fetches_total',
    () =>
      new Counter({
        name: 'gatehouse_jwks_fetches_total',
        help: "Refreshes of an issuer's discovery document and JWKS, by issuer and outcome.",
        labelNames: ['issuer', 'outcome'],
        registers: [registry],
      }),
  );
  // issuer → outcome → child
  const children = new Map<string, Map<AuthenticationOutcome, HistogramChild>>();
  return {
    authenticated(issuer, outcome, seconds) {
      let byOutcome = children.get(issuer);
      if (byOutcome === undefined) children.set(issuer, (byOutcome = new Map()));
      let child = byOutcome.get(outcome);
      if (child === undefined) byOutcome.set(outcome, (child = duration.labels(issuer, outcome)));
      child.observe(seconds);
    },
    jwksFetched: (issuer, outcome) => fetches.inc({ issuer, outcome }),
  };
}
