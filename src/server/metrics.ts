// Prometheus metrics: one prom-client Registry per server (never the global one), so two servers in one process
// (or in one test) do not collide, with Node's default process metrics (CPU, memory, event-loop lag, GC).
//
// Usage:
//   const registry = createMetricsRegistry();
//   const requests = new Counter({ name: 'gatehouse_proxy_requests_total', help: '…', registers: [registry] });
//   // served at /metrics by createOperationsHandler({ registry, … })
import { collectDefaultMetrics, Registry } from 'prom-client';

export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
