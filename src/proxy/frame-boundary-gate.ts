// Tracks frame boundaries in a relayed byte stream (WebSocket, SPDY/3.1) without decoding payloads, so the proxy can
// stop relaying between two frames and end the session with a frame of its own on shutdown, never mid-frame.
import { Transform, type TransformCallback } from 'node:stream';

/**
 * Reads a frame header as its bytes arrive: once `header` holds a complete header, the number of frame bytes that
 * follow it; undefined while more header bytes are needed.
 */
export type FrameHeaderReader = (header: Buffer) => number | undefined;

/** How a session protocol frames its bytes, and how the server side says it is going away. */
export interface Framing {
  readHeader: FrameHeaderReader;
  /** The frame that ends the session from the server side (read once relaying has stopped). */
  goingAway(): Buffer;
}

/** A pass-through that can be told to stop at the next frame boundary. */
export class FrameBoundaryGate extends Transform {
  private header = Buffer.alloc(0);
  private payloadLeft = 0;
  private stopRequested: (() => void) | undefined;
  private stopped = false;

  constructor(private readonly readHeader: FrameHeaderReader) {
    super();
  }

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
        const length = this.readHeader(this.header);
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
}
