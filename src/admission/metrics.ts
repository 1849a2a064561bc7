// Prometheus metrics of the admission webhook, registered on the server's own registry.
import { Counter, Gauge, type Registry } from 'prom-client';
import { FastHistogram } from '../server/fast-histogram.js';

export type AdmissionOutcome = 'allowed' | 'denied' | 'failure-allowed' | 'failure-denied' | 'malformed';

export interface AdmissionMetrics {
  requests: Counter<'webhook' | 'operation' | 'kind' | 'decision'>;
  latency: FastHistogram<'webhook'>;
  policySeconds: FastHistogram<'policy'>;
  policyReloads: Counter<'result'>;
  policiesLoaded: Gauge;
}

/** Sub-millisecond buckets: admission latency adds to every write the cluster makes. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * One child per combination of label values, created on first use and found again through one map per label, so
 * the request path neither builds a label object nor a key string for each value it records.
 */
export function labelled<T>(child: (...values: string[]) => T): (...values: string[]) => T {
  const root = new Map<string, unknown>();
  return (...values) => {
    let level = root;
    for (let i = 0; i < values.length - 1; i++) {
      let next = level.get(values[i]!) as Map<string, unknown> | undefined;
      if (next === undefined) level.set(values[i]!, (next = new Map()));
      level = next;
    }
    const last = values[values.length - 1]!;
    let found = level.get(last) as T | undefined;
    if (found === undefined) level.set(last, (found = child(...values)));
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
    latency: new FastHistogram({
      name: 'gatehouse_admission_request_duration_seconds',
      help: 'Time from receiving an AdmissionReview to sending the answer.',
      labelNames: ['webhook'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    policySeconds: new FastHistogram({
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
