// Prometheus metrics of the admission webhook, registered on the server's own registry.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type AdmissionOutcome = 'allowed' | 'denied' | 'failure-allowed' | 'failure-denied' | 'malformed';

export interface AdmissionMetrics {
  requests: Counter<'webhook' | 'operation' | 'kind' | 'decision'>;
  latency: Histogram<'webhook'>;
  policySeconds: Histogram<'policy'>;
  policyReloads: Counter<'result'>;
  policiesLoaded: Gauge;
}

/** Sub-millisecond buckets: admission latency adds to every write the cluster makes. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * One child per label value, created on first use. prom-client hashes the label object on every `inc`/`observe`;
 * a request records a dozen values, so the request path uses children instead.
 */
export function labelled<T>(child: (key: string) => T): (key: string) => T {
  const children = new Map<string, T>();
  return (key) => {
    let found = children.get(key);
    if (found === undefined) children.set(key, (found = child(key)));
    return found;
  };
}

export function createAdmissionMetrics(registry: Registry): AdmissionMetrics {
  const registers = [registry];
  return {
    requests: new Counter({
      name: 'gatehouse_admission_requests_total',
      help: 'Admission requests by webhook (validate, mutate), operation, kind and decision.',
      labelNames: ['webhook', 'operation', 'kind', 'decision'],
      registers,
    }),
    latency: new Histogram({
      name: 'gatehouse_admission_request_duration_seconds',
      help: 'Time from receiving an AdmissionReview to sending the answer.',
      labelNames: ['webhook'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    policySeconds: new Histogram({
      name: 'gatehouse_admission_policy_evaluation_seconds',
      help: 'Time one policy took to evaluate one request.',
      labelNames: ['policy'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    policyReloads: new Counter({
      name: 'gatehouse_admission_policy_reloads_total',
      help: 'Policy set reloads by result (applied, rejected).',
      labelNames: ['result'],
      registers,
    }),
    policiesLoaded: new Gauge({ name: 'gatehouse_admission_policies', help: 'Policies in the serving policy set.', registers }),
  };
}
