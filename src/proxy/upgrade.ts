// Connection upgrades for exec, attach and port-forward: WebSocket (`v5.channel.k8s.io`, `v4.channel.k8s.io`, …,
// `SPDY/3.1+portforward.k8s.io`) and SPDY/3.1. Any other upgrade (h2c, TLS, unknown tokens, several at once) is
// refused. The client's bytes are held until the upstream answers 101 Switching Protocols; only then are both
// directions piped. A non-101 answer (e.g. 403 from the API server) is relayed as a normal response.
// On shutdown the proxy stops relaying the upstream's frames at a frame boundary and ends the session with a frame
// of its own: a WebSocket close (1001 going away), or a SPDY GOAWAY.
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { endSocketWithStatus } from '../server/status.js';
import type { ForwardOutcome } from './forward.js';
import type { Upstream } from './upstream.js';
import { FrameBoundaryGate } from './frame-boundary-gate.js';
import { spdyFraming } from './spdy-frames.js';
import { websocketFraming } from './websocket-frames.js';

const ALLOWED_UPGRADES = new Map([
  ['websocket', 'websocket'],
  ['spdy/3.1', 'SPDY/3.1'],
]);
const MAX_REFUSAL_BODY = 64 * 1024;

/** The upgrade protocol to forward, or the reason it is refused. */
export function checkUpgrade(headers: IncomingMessage['headers']): { protocol: string } | { refused: string } {
  const tokens = (headers.upgrade ?? '').split(',').map((t) => t.trim()).filter(Boolean);
  if (tokens.length !== 1) return { refused: `exactly one upgrade protocol is accepted (got ${tokens.length})` };
  const protocol = ALLOWED_UPGRADES.get(tokens[0]!.toLowerCase());
  if (!protocol) return { refused: `upgrade to "${tokens[0]}" is not supported; only websocket and SPDY/3.1 (exec, attach, port-forward)` };
  const connection = (headers.connection ?? '').toLowerCase().split(',').map((t) => t.trim());
  if (!connection.includes('upgrade')) return { refused: 'Upgrade header without Connection: Upgrade' };
  return { protocol };
}

export interface UpgradeOptions {
  upstream: Upstream;
  headers: OutgoingHttpHeaders;
  protocol: string;
  responseHeaderTimeoutMs: number;
  trackStream?: (close: () => void) => () => void;
}

function responseHead(res: IncomingMessage, skip: (name: string) => boolean = () => false): string {
  let head = `HTTP/1.1 ${res.statusCode} ${res.statusMessage || STATUS_CODES[res.statusCode ?? 500] || ''}\r\n`;
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
    if (!skip(res.rawHeaders[i]!.toLowerCase())) head += `${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}\r\n`;
  }
  return head;
}

export function forwardUpgrade(req: IncomingMessage, client: Duplex, head: Buffer, options: UpgradeOptions): Promise<ForwardOutcome> {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    let settled = false;
    let untrack = () => {};
    const finish = (outcome: ForwardOutcome) => {
      if (settled) return;
      settled = true;
      untrack();
      resolve(outcome);
    };
    client.pause();
    const upstreamReq = options.upstream.request(req.method ?? 'GET', req.url ?? '/', { ...options.headers, connection: 'Upgrade', upgrade: options.protocol });
    const timer = setTimeout(() => {
      upstreamReq.destroy();
      endSocketWithStatus(client, 504, 'Timeout', `the upstream API server did not answer within ${options.responseHeaderTimeoutMs / 1000}s`);
      finish({ code: 504, error: 'upstream timeout' });
    }, options.responseHeaderTimeoutMs);
    client.on('error', () => upstreamReq.destroy());
    let upgraded = false;
    client.on('close', () => {
      clearTimeout(timer);
      if (upgraded) return;
      upstreamReq.destroy();
      finish({ code: 0, error: 'client disconnected' });
    });
    upstreamReq.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (settled) return;
      endSocketWithStatus(client, 502, 'ServiceUnavailable', `the upstream API server is unreachable (${err.code ?? err.message})`);
      finish({ code: 502, error: err.code ?? err.message });
    });
    upstreamReq.on('response', (res: IncomingMessage) => {
      // The upstream refused the upgrade: relay its answer (bounded) and close.
      clearTimeout(timer);
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_REFUSAL_BODY) chunks.push(chunk);
      });
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const headLines = responseHead(res, (name) => ['content-length', 'transfer-encoding', 'connection'].includes(name));
        client.end(Buffer.concat([Buffer.from(`${headLines}Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`, 'latin1'), body]));
        finish({ code: res.statusCode ?? 502, upstreamSeconds: Number(process.hrtime.bigint() - started) / 1e9 });
      });
    });
    upstreamReq.on('upgrade', (res: IncomingMessage, upstreamSocket: Duplex, upstreamHead: Buffer) => {
      clearTimeout(timer);
      const upstreamSeconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (settled) {
        upstreamSocket.destroy();
        return;
      }
      upgraded = true;
      client.write(Buffer.from(`${responseHead(res)}\r\n`, 'latin1'));
      const framing = options.protocol === 'websocket' ? websocketFraming() : spdyFraming();
      const gate = new FrameBoundaryGate(framing.readHeader);
      upstreamSocket.pipe(gate);
      if (upstreamHead.length > 0) gate.write(upstreamHead);
      if (head.length > 0) upstreamSocket.write(head);
      gate.pipe(client);
      client.pipe(upstreamSocket);
      client.resume();
      const closeBoth = () => {
        client.destroy();
        upstreamSocket.destroy();
      };
      upstreamSocket.on('error', closeBoth);
      client.on('error', closeBoth);
      upstreamSocket.on('close', () => {
        client.end();
        finish({ code: 101, upstreamSeconds });
      });
      client.on('close', () => {
        upstreamSocket.destroy();
        finish({ code: 101, upstreamSeconds });
      });
      if (options.trackStream) {
        untrack = options.trackStream(() => {
          void gate.stopAtBoundary().then(() => {
            upstreamSocket.unpipe(gate);
            gate.unpipe(client);
            client.end(framing.goingAway());
            upstreamSocket.end();
          });
        });
      }
    });
    upstreamReq.end();
  });
}
