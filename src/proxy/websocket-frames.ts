// Tracks WebSocket frame boundaries (RFC 6455 §5.2) in a byte stream without decoding payloads, so the proxy can
// stop relaying between two frames and add a close frame of its own (shutdown) without corrupting the stream.
import { Transform, type TransformCallback } from 'node:stream';

/** A pass-through that can be told to stop at the next frame boundary. */
export class FrameBoundaryGate extends Transform {
  private header = Buffer.alloc(0);
  private payloadLeft = 0;
  private stopRequested: (() => void) | undefined;
  private stopped = false;

  /** Resolves once no partial frame has been passed on; later bytes are dropped. */
  stopAtBoundary(): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopped || (this.payloadLeft === 0 && this.header.length === 0)) {
        this.stopped = true;
        resolve();
      } else this.stopRequested = resolve;
    });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    let offset = 0;
    while (offset < chunk.length && !this.stopped) {
      if (this.payloadLeft > 0) {
        const take = Math.min(this.payloadLeft, chunk.length - offset);
        this.push(chunk.subarray(offset, offset + take));
        offset += take;
        this.payloadLeft -= take;
      } else {
        this.header = Buffer.concat([this.header, chunk.subarray(offset, offset + 1)]);
        offset += 1;
        const length = this.completeHeaderPayload();
        if (length === undefined) continue;
        this.push(this.header);
        this.header = Buffer.alloc(0);
        this.payloadLeft = length;
      }
      if (this.payloadLeft === 0 && this.header.length === 0 && this.stopRequested) {
        this.stopped = true;
        this.stopRequested();
        this.stopRequested = undefined;
      }
    }
    done();
  }

  /** The payload length once the header bytes seen so far form a complete header. */
  private completeHeaderPayload(): number | undefined {
    const h = this.header;
    if (h.length < 2) return undefined;
    const masked = (h[1]! & 0x80) !== 0;
    const short = h[1]! & 0x7f;
    const extended = short === 126 ? 2 : short === 127 ? 8 : 0;
    const total = 2 + extended + (masked ? 4 : 0);
    if (h.length < total) return undefined;
    const length = short === 126 ? h.readUInt16BE(2) : short === 127 ? Number(h.readBigUInt64BE(2)) : short;
    return length;
  }
}

/** An unmasked (server → client) close frame with a status code and short reason. */
export function serverCloseFrame(code: number, reason: string): Buffer {
  const payload = Buffer.concat([Buffer.from([code >> 8, code & 0xff]), Buffer.from(reason.slice(0, 120), 'utf8')]);
  return Buffer.concat([Buffer.from([0x88, payload.length]), payload]);
}
