// The proxy's Prometheus metrics (token authentication metrics are registered by the authenticator on the same
// registry). Label values come from a fixed set (verbs, HTTP codes, configured policy names), never from clients.
// The two metrics recorded for every request are kept cheap: request counts are plain numbers per label set that
// the counter reads when scraped, and the upstream latency is a FastHistogram whose child per verb is kept; a
// prom-client counter or histogram builds and hashes a label key on every call.
import { Counter, Gauge, type Registry } from 'prom-client';
import { FastHistogram, type HistogramChild } from '../server/fast-histogram.js';

export interface ProxyMetrics {
  requestDone(verb: string, code: number): void;
  upstreamLatency(verb: string, seconds: number): void;
  accessDecision(decision: 'allow' | 'forbid', policy: string): void;
  streamOpened(): () => void;
}

const KNOWN_VERBS = new Set(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', 'proxy', 'post', 'put', 'head', 'options']);

function verbLabel(verb: string): string {
  return KNOWN_VERBS.has(verb) ? verb : 'other';
}

export function createProxyMetrics(registry: Registry): ProxyMetrics {
  // verb → code → requests
  const counts = new Map<string, Map<number, number>>();
  new Counter({
    name: 'gatehouse_proxy_requests_total',
    help: 'Requests handled by the proxy, by verb and HTTP code.',
    labelNames: ['verb', 'code'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [verb, byCode] of counts) for (const [code, n] of byCode) this.inc({ verb, code: String(code) }, n);
    },
  });
  const upstream = new FastHistogram({
    name: 'gatehouse_proxy_upstream_duration_seconds',
    help: 'Time from forwarding a request to the upstream response headers, by verb.',
    labelNames: ['verb'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const upstreamByVerb = new Map<string, HistogramChild>();
  const decisions = new Counter({ name: 'gatehouse_proxy_access_decisions_total', help: 'Access-policy decisions, by decision and deciding policy.', labelNames: ['decision', 'policy'], registers: [registry] });
  const streams = new Gauge({ name: 'gatehouse_proxy_open_streams', help: 'Open long-lived streams (watches, follows, exec/attach/port-forward sessions).', registers: [registry] });
  return {
    requestDone(verb, code) {
      const label = verbLabel(verb);
      let byCode = counts.get(label);
      if (byCode === undefined) counts.set(label, (byCode = new Map()));
      byCode.set(code, (byCode.get(code) ?? 0) + 1);
    },
    upstreamLatency(verb, seconds) {
      const label = verbLabel(verb);
      let child = upstreamByVerb.get(label);
      if (child === undefined) upstreamByVerb.set(label, (child = upstream.labels(label)));
      child.observe(seconds);
    },
    accessDecision: (decision, policy) => decisions.inc({ decision, policy }),
    streamOpened() {
      streams.inc();
      let open = true;
      return () => {
        if (open) streams.dec();
        open = false;
      };
    },
  };
}
