// The proxy's Prometheus metrics (token authentication metrics are registered by the authenticator on the same
// registry). Label values come from a fixed set (verbs, HTTP codes, configured policy names), never from clients.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

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
  const requests = new Counter({ name: 'gatehouse_proxy_requests_total', help: 'Requests handled by the proxy, by verb and HTTP code.', labelNames: ['verb', 'code'], registers: [registry] });
  const upstream = new Histogram({
    name: 'gatehouse_proxy_upstream_duration_seconds',
    help: 'Time from forwarding a request to the upstream response headers, by verb.',
    labelNames: ['verb'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const decisions = new Counter({ name: 'gatehouse_proxy_access_decisions_total', help: 'Access-policy decisions, by decision and deciding policy.', labelNames: ['decision', 'policy'], registers: [registry] });
  const streams = new Gauge({ name: 'gatehouse_proxy_open_streams', help: 'Open long-lived streams (watches, follows, exec/attach/port-forward sessions).', registers: [registry] });
  return {
    requestDone: (verb, code) => requests.inc({ verb: verbLabel(verb), code: String(code) }),
    upstreamLatency: (verb, seconds) => upstream.observe({ verb: verbLabel(verb) }, seconds),
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
