// GET a JSON document over HTTPS with every limit an issuer's answer needs: the configured CA (or the system
// roots), a deadline for the whole exchange, a size cap, no redirects (a redirect could lead key fetches to a host
// the operator never configured), and no plain HTTP.
import { request, type Agent } from 'node:https';

export const DEFAULT_FETCH_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_DOCUMENT_BYTES = 512 * 1024;

export interface HttpsJsonOptions {
  /** PEM bundle; the system roots when absent. */
  ca?: string;
  timeoutMs?: number;
  maxBytes?: number;
  agent?: Agent;
}

export class FetchError extends Error {
  override name = 'FetchError';
}

export function fetchJson(url: string, options: HttpsJsonOptions = {}): Promise<unknown> {
  const { ca, timeoutMs = DEFAULT_FETCH_TIMEOUT_MS, maxBytes = DEFAULT_MAX_DOCUMENT_BYTES, agent } = options;
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.reject(new FetchError(`invalid URL ${url}`));
  }
  if (target.protocol !== 'https:') return Promise.reject(new FetchError(`refusing non-HTTPS URL ${url}`));
  return new Promise((resolve, reject) => {
    const req = request(target, { method: 'GET', headers: { accept: 'application/json' }, ...(ca ? { ca } : {}), ...(agent ? { agent } : {}) }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new FetchError(`GET ${url}: HTTP ${res.statusCode}`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          req.destroy(new FetchError(`GET ${url}: response larger than ${maxBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch {
          reject(new FetchError(`GET ${url}: response is not JSON`));
        }
      });
      res.on('error', (err) => reject(err instanceof FetchError ? err : new FetchError(`GET ${url}: ${err.message}`)));
    });
    const deadline = setTimeout(() => req.destroy(new FetchError(`GET ${url}: timed out after ${timeoutMs} ms`)), timeoutMs);
    req.on('error', (err) => reject(err instanceof FetchError ? err : new FetchError(`GET ${url}: ${err.message}`)));
    req.on('close', () => clearTimeout(deadline));
    req.end();
  });
}
