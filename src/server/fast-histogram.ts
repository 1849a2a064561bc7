// A Prometheus histogram cheap enough for the request path, where a request records a dozen durations.
// prom-client's histogram builds and hashes a label string and converts a bucket bound to a property name on every
// observation; here each label set's series is found once (`labels(…)` returns a child that keeps it) and an
// observation is a bucket search and three additions. It registers in a prom-client Registry like the metrics
// prom-client aggregates from worker processes — an object that answers `get()` with the metric's values — so
// /metrics and the cluster aggregation print it exactly as they print a prom-client Histogram.
import type { Histogram, Registry } from 'prom-client';

export interface HistogramOptions<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
  /** Upper bounds, ascending; `+Inf` is implied. */
  buckets: readonly number[];
  registers: readonly Registry[];
}

export interface HistogramChild {
  observe(value: number): void;
}

/** One line of the exposition, as prom-client's metrics report them from `get()`. */
interface SampleValue {
  labels: Record<string, string | number>;
  value: number;
  metricName: string;
}

interface Series {
  labels: Record<string, string>;
  /** Observations per bucket (not cumulative); the last slot counts those above every bound. */
  counts: Float64Array;
  sum: number;
  count: number;
}

export class FastHistogram<L extends string> {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly name: string;
  readonly help: string;
  private readonly labelNames: readonly L[];
  private readonly bounds: Float64Array;
  /** Keyed by the JSON of the label values, which no value can make ambiguous. */
  private readonly series = new Map<string, Series>();

  constructor(options: HistogramOptions<L>) {
    const { buckets } = options;
    if (buckets.length === 0 || buckets.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= buckets[i - 1]!))) {
      throw new Error(`histogram ${options.name}: buckets must be finite and strictly ascending`);
    }
    this.name = options.name;
    this.help = options.help;
    this.labelNames = options.labelNames;
    this.bounds = Float64Array.from(buckets);
    // A Registry only reads a metric through get(); prom-client registers its aggregated metrics the same way.
    for (const registry of options.registers) registry.registerMetric(this as unknown as Histogram<L>);
  }

  /** The child for one set of label values, in the order of `labelNames`. */
  labels(...values: string[]): HistogramChild {
    if (values.length !== this.labelNames.length) {
      throw new Error(`histogram ${this.name}: expected ${this.labelNames.length} label values, got ${values.length}`);
    }
    const key = JSON.stringify(values);
    let series = this.series.get(key);
    if (series === undefined) {
      const labels: Record<string, string> = {};
      this.labelNames.forEach((name, i) => (labels[name] = values[i]!));
      series = { labels, counts: new Float64Array(this.bounds.length + 1), sum: 0, count: 0 };
      this.series.set(key, series);
    }
    const found = series;
    const bounds = this.bounds;
    return {
      observe(value: number): void {
        if (!Number.isFinite(value)) throw new TypeError(`histogram observation must be a finite number, got ${value}`);
        let i = 0;
        while (i < bounds.length && value > bounds[i]!) i++;
        found.counts[i]!++;
        found.sum += value;
        found.count++;
      },
    };
  }

  /** Zeroes every series; children stay valid. */
  reset(): void {
    for (const series of this.series.values()) {
      series.counts.fill(0);
      series.sum = 0;
      series.count = 0;
    }
  }

  /** The metric as prom-client's Histogram reports it: cumulative `_bucket` series with `le`, then `_sum` and `_count`. */
  async get(): Promise<{ name: string; help: string; type: 'histogram'; aggregator: 'sum'; values: SampleValue[] }> {
    const values: SampleValue[] = [];
    const bucket = `${this.name}_bucket`;
    for (const { labels, counts, sum, count } of this.series.values()) {
      let cumulative = 0;
      for (let i = 0; i < this.bounds.length; i++) {
        cumulative += counts[i]!;
        values.push({ labels: { le: this.bounds[i]!, ...labels }, value: cumulative, metricName: bucket });
      }
      values.push({ labels: { le: '+Inf', ...labels }, value: count, metricName: bucket });
      values.push({ labels: { ...labels }, value: sum, metricName: `${this.name}_sum` });
      values.push({ labels: { ...labels }, value: count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}
