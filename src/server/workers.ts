// Serving on several cores (`gatehouse admission --workers`, `gatehouse proxy --workers`). N worker processes
// (node:cluster) share the listening sockets and each serves requests on its own core; whatever a worker caches
// (verified tokens, TLS sessions, upstream connections) is its own. The primary process only supervises: it starts
// one worker first, so a configuration or certificate that does not load is reported once and the command exits with
// that worker's code; then the others. It replaces a worker that dies, turns SIGTERM and
// SIGINT into a graceful shutdown of every worker, and answers /metrics for all of them together (prom-client's
// AggregatorRegistry), so a scrape does not depend on which worker the connection reached.
import cluster, { type Worker } from 'node:cluster';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { AggregatorRegistry, type PrometheusContentType, type Registry } from 'prom-client';
import type { Logger } from '../server/logger.js';

type Message =
  | { type: 'gatehouse:ready' }
  | { type: 'gatehouse:shutdown' }
  | { type: 'gatehouse:metrics-request'; id: number }
  | { type: 'gatehouse:metrics-response'; id: number; text?: string; error?: string };

const RESTART_DELAYS_MS = [1000, 2000, 5000, 10_000, 30_000];
const METRICS_TIMEOUT_MS = 5000;

/** CPUs a cgroup CPU limit grants (v2 `cpu.max`, or v1's CFS quota), when there is one. */
function cgroupCpuLimit(): number | undefined {
  const read = (file: string) => {
    try {
      return readFileSync(file, 'utf8').trim();
    } catch {
      return undefined;
    }
  };
  const v2 = read('/sys/fs/cgroup/cpu.max')?.split(/\s+/);
  if (v2) return v2[0] === 'max' ? undefined : Number(v2[0]) / Number(v2[1]);
  const quota = Number(read('/sys/fs/cgroup/cpu/cpu.cfs_quota_us'));
  const period = Number(read('/sys/fs/cgroup/cpu/cpu.cfs_period_us'));
  return quota > 0 && period > 0 ? quota / period : undefined;
}

/** One worker per core the process may run on, capped by a container's CPU limit. */
export function defaultWorkerCount(): number {
  const limit = cgroupCpuLimit();
  return Math.max(1, Math.min(availableParallelism(), limit === undefined ? Infinity : Math.ceil(limit)));
}

function isMessage(value: unknown): value is Message {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string'
    && (value as { type: string }).type.startsWith('gatehouse:');
}

/**
 * Runs `count` workers (each re-runs this command as a cluster worker) until a signal stops them. Resolves with the
 * exit code: the first worker's own when it fails to start, 0 after a clean shutdown, 1 otherwise. `name` is the
 * command (admission, proxy) as the supervisor's log lines name it.
 */
export function superviseWorkers(count: number, logger: Logger, name: string): Promise<number> {
  const aggregator = new AggregatorRegistry();
  const live = new Set<Worker>();
  let serving = false;
  let stopping = false;
  let failedStarts = 0;
  let exitCode = 0;
  return new Promise((resolve) => {
    const stop = (code: number) => {
      exitCode = Math.max(exitCode, code);
      if (stopping) return;
      stopping = true;
      for (const worker of live) worker.send({ type: 'gatehouse:shutdown' } satisfies Message);
      if (live.size === 0) resolve(exitCode);
    };
    const fork = () => {
      const worker = cluster.fork();
      live.add(worker);
      let ready = false;
      worker.on('message', (message: unknown) => {
        if (!isMessage(message)) return;
        if (message.type === 'gatehouse:ready') {
          ready = true;
          failedStarts = 0;
          if (!serving) {
            serving = true;
            logger.info({ workers: count }, `${name} serving with worker processes`);
            for (let i = 1; i < count; i++) fork();
          }
        } else if (message.type === 'gatehouse:metrics-request') {
          const reply = (answer: Partial<Message>) => {
            if (worker.isConnected()) worker.send({ type: 'gatehouse:metrics-response', id: message.id, ...answer });
          };
          aggregator.clusterMetrics().then((text) => reply({ text }), (err: Error) => reply({ error: err.message }));
        }
      });
      worker.on('exit', (code, signal) => {
        live.delete(worker);
        if (stopping) {
          if (code !== 0) exitCode = 1;
          if (live.size === 0) resolve(exitCode);
          return;
        }
        if (!serving) {
          // The first worker could not start (its error is on stderr): there is nothing to fall back on.
          stop(code ?? 1);
          return;
        }
        const delay = RESTART_DELAYS_MS[Math.min(ready ? 0 : failedStarts++, RESTART_DELAYS_MS.length - 1)]!;
        logger.error({ pid: worker.process.pid, code, signal, restartInMs: delay }, `${name} worker exited; starting another`);
        setTimeout(() => {
          if (!stopping) fork();
        }, delay).unref();
      });
    };
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (signalled) {
        logger.warn({ signal }, 'second signal: stopping workers now');
        for (const worker of live) worker.process.kill('SIGKILL');
        return;
      }
      signalled = true;
      logger.info({ signal, workers: live.size }, 'shutting down workers');
      stop(0);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    fork();
  });
}

/**
 * In a worker: closes the channel to the primary, which otherwise keeps the process alive, so that it exits with its
 * own exit code once its work is done (a worker that could not start, or one that has shut down).
 */
export function leaveCluster(): void {
  if (cluster.isWorker && cluster.worker!.isConnected()) cluster.worker!.disconnect();
}

/**
 * In a worker: tells the primary this worker serves, and runs `shutdown` (which ends with leaveCluster) when the
 * primary asks. A worker whose primary disappears exits at once (node:cluster does that), so no orphan keeps serving.
 */
export function serveAsWorker(shutdown: () => Promise<void>, logger: Logger): void {
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    logger.info('shutting down');
    shutdown().then(
      () => logger.info('shutdown complete'),
      (err: Error) => {
        logger.error({ err: err.message }, 'shutdown failed');
        process.exitCode = 1;
      },
    );
  };
  process.on('message', (message: unknown) => {
    if (isMessage(message) && message.type === 'gatehouse:shutdown') stop();
  });
  process.send!({ type: 'gatehouse:ready' } satisfies Message);
}

/**
 * The registry a worker's /metrics serves: every worker's metrics summed by the primary. The worker's own metrics
 * live in `local`, which the primary collects from each worker.
 */
export function clusterMetricsRegistry(local: Registry): Registry {
  AggregatorRegistry.setRegistries([local]);
  const pending = new Map<number, { resolve(text: string): void; reject(err: Error): void; timer: NodeJS.Timeout }>();
  let next = 0;
  process.on('message', (message: unknown) => {
    if (!isMessage(message) || message.type !== 'gatehouse:metrics-response') return;
    const request = pending.get(message.id);
    if (!request) return;
    pending.delete(message.id);
    clearTimeout(request.timer);
    if (message.text !== undefined) request.resolve(message.text);
    else request.reject(new Error(message.error ?? 'no metrics from the primary process'));
  });
  // Constructing it also makes this worker answer the primary's requests for its local metrics.
  return new class extends AggregatorRegistry<PrometheusContentType> {
    override metrics(): Promise<string> {
      const id = next++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`the primary process did not aggregate metrics within ${METRICS_TIMEOUT_MS} ms`));
        }, METRICS_TIMEOUT_MS);
        pending.set(id, { resolve, reject, timer });
        process.send!({ type: 'gatehouse:metrics-request', id } satisfies Message);
      });
    }
  }();
}
