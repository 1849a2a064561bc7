// JSON over HTTPS with every limit an issuer's answer needs: the configured CA (or the system roots), a deadline
// for the whole exchange, a size cap, no redirects (a redirect could lead key fetches to a host the operator never
// configured), and no plain HTTP. GET for discovery and keys; POST for the token endpoints the client side calls.
import { request } from 'node:https';

export const DEFAULT_FETCH_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_DOCUMENT_BYTES = 512 * 1024;

export interface HttpsJsonOptions {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
  /** PEM bundle; the system roots when absent. */
  ca?: string;
  timeoutMs?: number;
  maxBytes?: number;
}

export class FetchError extends Error {
  override name = 'FetchError';

  constructor(
    message: string,
    /** The HTTP status of an answer other than 200, when there was one. */
    readonly status?: number,
  ) {
    super(message);
  }
}

export function fetchJson(url: string, options: HttpsJsonOptions = {}): Promise<unknown> {
  const { ca, timeoutMs = DEFAULT_FETCH_TIMEOUT_MS, maxBytes = DEFAULT_MAX_DOCUMENT_BYTES, method = 'GET', form } = options;
  const body = form ? new URLSearchParams(form).toString() : undefined;
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.reject(new FetchError(`invalid URL ${url}`));
  }
  if (target.protocol !== 'https:') return Promise.reject(new FetchError(`refusing non-HTTPS URL ${url}`));
  return new Promise((resolve, reject) => {
    const req = request(target, { method, headers, ...(ca ? { ca } : {}) }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new FetchError(`${method} ${url}: HTTP ${res.statusCode}`, res.statusCode));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          req.destroy(new FetchError(`${method} ${url}: response larger than ${maxBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch {
          reject(new FetchError(`${method} ${url}: response is not JSON`));
        }
      });
      res.on('error', (err) => reject(err instanceof FetchError ? err : new FetchError(`${method} ${url}: ${err.message}`)));
    });
    const deadline = setTimeout(() => req.destroy(new FetchError(`${method} ${url}: timed out after ${timeoutMs} ms`)), timeoutMs);
    req.on('error', (err) => reject(err instanceof FetchError ? err : new FetchError(`${method} ${url}: ${err.message}`)));
    req.on('close', () => clearTimeout(deadline));
    req.end(body);
  });
}
