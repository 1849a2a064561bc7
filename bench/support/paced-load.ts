// Open-loop load at a fixed rate, for latency at a given throughput. autocannon's rate limit sends each second's
// quota as one burst at the start of the second, which measures bursts, not a steady rate; this client spreads the
// requests evenly instead and times each from the moment it was due (corrected for coordinated omission), so a
// server that falls behind cannot slow the load down and hide its queue. The connections are opened (TLS
// handshakes done) before the clock starts, so the first requests do not measure connection set-up. The client is
// an undici Pool, whose cost per request is about half of node:https's: the load generator shares the machine with
// the servers it measures.
import { Pool, type Dispatcher } from 'undici';
import { percentile } from './stats.js';

export interface PacedLoadOptions {
  /** Seconds of load. */
  duration: number;
  /** Keep-alive connections the requests share (a request waits for a free one, and that wait counts). */
  connections: number;
  /** Requests per second. */
  rate: number;
  method?: Dispatcher.HttpMethod;
  headers?: Record<string, string>;
  body?: string;
  /** CA that verifies the server (PEM). */
  ca: string | Buffer;
}

export interface PacedResult {
  /** Requests per second answered with 2xx. */
  achieved: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
}

/** Request i is due at start + i/rate whatever happened to earlier ones; its latency counts from then. */
export async function pacedLoad(url: string, options: PacedLoadOptions): Promise<PacedResult> {
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections: options.connections, connect: { ca: options.ca } });
  const request: Dispatcher.DispatchOptions = {
    method: options.method ?? 'GET',
    path: target.pathname + target.search,
    headers: options.headers ?? {},
    body: options.body ?? null,
  };
  const latencies: number[] = [];
  let errors = 0;
  let counting = false;
  let outstanding = 0;
  let drained: (() => void) | undefined;
  const send = (dueAt: number, done?: () => void) => {
    outstanding++;
    let status = 0;
    const settle = (ok: boolean) => {
      if (counting) {
        if (ok) latencies.push(performance.now() - dueAt);
        else errors++;
      }
      done?.();
      if (--outstanding === 0) drained?.();
    };
    pool.dispatch(request, {
      onRequestStart() {},
      onResponseStart(_controller, statusCode) {
        status = statusCode;
      },
      onResponseData() {},
      onResponseEnd: () => settle(status >= 200 && status < 300),
      onResponseError: () => settle(false),
    });
  };
  // One request on each connection at once opens them all; they are not counted.
  await Promise.all(Array.from({ length: options.connections }, () => new Promise<void>((resolve) => send(performance.now(), resolve))));
  counting = true;
  const total = Math.round(options.rate * options.duration);
  const start = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * options.rate) + 1);
      for (; sent < due; sent++) send(start + (sent * 1000) / options.rate);
      if (sent < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  if (outstanding > 0) await new Promise<void>((resolve) => (drained = resolve));
  const elapsed = (performance.now() - start) / 1000;
  await pool.destroy();
  latencies.sort((a, b) => a - b);
  return { achieved: latencies.length / elapsed, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), maxMs: latencies.at(-1) ?? NaN, errors };
}
