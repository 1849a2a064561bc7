// autocannon, the HTTP load generator of the proxy and admission benchmarks, typed for the part of its API they
// use (the package ships no type declarations).
import { createRequire } from 'node:module';

export interface LoadResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  errors: number;
  non2xx: number;
  '2xx': number;
}

export const autocannon = createRequire(import.meta.url)('autocannon') as (options: Record<string, unknown>) => Promise<LoadResult>;
