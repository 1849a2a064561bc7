// Small JSON calls the proxy makes to the upstream as itself (no impersonation): reading a Namespace for access
// conditions, SubjectAccessReviews for client impersonation. Bounded in time and response size.
import type { Upstream } from './upstream.js';

const MAX_RESPONSE_BYTES = 1024 * 1024;

export interface JsonReply {
  status: number;
  body: unknown;
}

export function callUpstreamJson(upstream: Upstream, method: string, path: string, body: unknown, timeoutMs: number): Promise<JsonReply> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const authorization = upstream.authorization();
    const req = upstream.request(method, path, {
      accept: 'application/json',
      ...(authorization ? { authorization } : {}),
      ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) req.destroy(new Error(`response larger than ${MAX_RESPONSE_BYTES} bytes`));
        else chunks.push(chunk);
      });
      res.on('end', () => {
        clearTimeout(timer);
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          resolve({ status: res.statusCode ?? 0, body: text === '' ? undefined : JSON.parse(text) });
        } catch {
          reject(new Error(`upstream answered ${res.statusCode} with a body that is not JSON`));
        }
      });
    });
    req.end(payload);
  });
}
