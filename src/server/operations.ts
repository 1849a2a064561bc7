// Operational endpoints every Gatehouse server exposes: `/healthz` (the process serves requests), `/readyz`
// (every readiness check passes and the server is not shutting down; `?verbose` lists the checks, like the API
// server does) and `/metrics` (Prometheus text format from the server's own registry).
//
// Usage:
//   const operations = createOperationsHandler({ registry, checks: { issuers: () => authenticator.ready() } });
//   startHttpsServer({ …, operations });            // served before the application handler
//   operations.setDraining();                         // called by the server on shutdown: /readyz turns 503
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';

export type CheckResult = boolean | { ok: boolean; message?: string };
export type ReadinessCheck = () => CheckResult;

export interface OperationsOptions {
  registry: Registry;
  checks?: Record<string, ReadinessCheck>;
}

export interface OperationsHandler {
  /** Answers the request and returns true when it is for an operational endpoint; returns false otherwise. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  setDraining(): void;
  isReady(): boolean;
}

export const OPERATIONS_PATHS: readonly string[] = ['/healthz', '/readyz', '/metrics'];

function runCheck(check: ReadinessCheck): { ok: boolean; message?: string } {
  try {
    const result = check();
    return typeof result === 'boolean' ? { ok: result } : result;
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
}

function sendText(res: ServerResponse, code: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(code, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(body);
}

export function createOperationsHandler({ registry, checks = {} }: OperationsOptions): OperationsHandler {
  let draining = false;
  const evaluate = () => {
    const results = Object.entries(checks).map(([name, check]) => ({ name, ...runCheck(check) }));
    if (draining) results.unshift({ name: 'shutdown', ok: false, message: 'server is shutting down' });
    return results;
  };
  return {
    setDraining: () => {
      draining = true;
    },
    isReady: () => evaluate().every((r) => r.ok),
    handle(req, res) {
      const [path = '', query = ''] = (req.url ?? '').split('?', 2);
      if (!OPERATIONS_PATHS.includes(path)) return false;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('allow', 'GET, HEAD');
        sendText(res, 405, 'method not allowed\n');
        return true;
      }
      if (path === '/healthz') {
        sendText(res, 200, 'ok\n');
      } else if (path === '/readyz') {
        const results = evaluate();
        const ok = results.every((r) => r.ok);
        const verbose = new URLSearchParams(query).has('verbose');
        const lines = verbose ? results.map((r) => (r.ok ? `[+]${r.name} ok` : `[-]${r.name} failed${r.message ? `: ${r.message}` : ''}`)) : [];
        lines.push(ok ? 'readyz check passed' : 'readyz check failed');
        sendText(res, ok ? 200 : 503, `${lines.join('\n')}\n`);
      } else {
        registry.metrics().then(
          (text) => sendText(res, 200, text, registry.contentType),
          (err: Error) => sendText(res, 500, `metrics collection failed: ${err.message}\n`),
        );
      }
      return true;
    },
  };
}
