// Errors in the Kubernetes `Status` form (meta/v1), so kubectl and client-go print them as
// `Error from server (<reason>): <message>` instead of a raw HTTP error.
//
// Usage: writeStatus(res, 403, 'Forbidden', 'impersonation headers from clients are not accepted');
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/** The StatusReason values Gatehouse uses, with the HTTP code the API server pairs them with. */
export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'MethodNotAllowed'
  | 'RequestEntityTooLarge'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout';

export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: StatusReason;
  code: number;
  details?: { causes?: Array<{ reason?: string; message: string; field?: string }> };
}

export function kubeStatus(code: number, reason: StatusReason, message: string, details?: KubeStatus['details']): KubeStatus {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code, ...(details ? { details } : {}) };
}

/** Sends a Status error unless the response has already started (then only ends it). */
export function writeStatus(res: ServerResponse, code: number, reason: StatusReason, message: string, details?: KubeStatus['details']): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const body = JSON.stringify(kubeStatus(code, reason, message, details));
  res.writeHead(code, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

/**
 * Answers on a raw socket (an upgrade request or a request the HTTP parser refused) with a Status and closes it.
 */
export function endSocketWithStatus(socket: Duplex, code: number, reason: StatusReason, message: string, headers: Record<string, string> = {}): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify(kubeStatus(code, reason, message));
  const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.end(
    `HTTP/1.1 ${code} ${STATUS_CODES[code] ?? 'Error'}\r\nContent-Type: application/json\r\n${extra}` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
