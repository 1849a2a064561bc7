// WebSocket framing (RFC 6455 §5.2), as far as the proxy needs it: where frames end, and the close frame it sends
// when it shuts down.
import type { Framing } from './frame-boundary-gate.js';

/** The payload length once the header bytes seen so far form a complete header. */
function readHeader(h: Buffer): number | undefined {
  if (h.length < 2) return undefined;
  const masked = (h[1]! & 0x80) !== 0;
  const short = h[1]! & 0x7f;
  const extended = short === 126 ? 2 : short === 127 ? 8 : 0;
  if (h.length < 2 + extended + (masked ? 4 : 0)) return undefined;
  return short === 126 ? h.readUInt16BE(2) : short === 127 ? Number(h.readBigUInt64BE(2)) : short;
}

/** An unmasked (server → client) close frame with a status code and short reason. */
export function serverCloseFrame(code: number, reason: string): Buffer {
  const payload = Buffer.concat([Buffer.from([code >> 8, code & 0xff]), Buffer.from(reason.slice(0, 120), 'utf8')]);
  return Buffer.concat([Buffer.from([0x88, payload.length]), payload]);
}

/** Server → client WebSocket frames; going away is a close frame with 1001. */
export function websocketFraming(): Framing {
  return { readHeader, goingAway: () => serverCloseFrame(1001, 'server shutting down') };
}
