// SPDY/3.1 framing (the protocol kubectl used for exec, attach and port-forward before WebSockets), as far as the
// proxy needs it: every frame starts with 8 bytes whose last 3 give the length of the rest. Control frames have the
// top bit set, then version 3 and a 16-bit type. On shutdown the proxy sends GOAWAY naming the last stream the
// server answered, which it learns from the SYN_REPLY and RST_STREAM frames it relays (their payload starts with
// the stream ID).
import type { Framing } from './frame-boundary-gate.js';

const HEADER_BYTES = 8;
const SYN_REPLY = 2;
const RST_STREAM = 3;
const GOAWAY = 7;

/** A GOAWAY control frame: the last stream the sender replied to, and status 0 (OK). */
export function goAwayFrame(lastGoodStreamId: number): Buffer {
  const frame = Buffer.alloc(HEADER_BYTES + 8);
  frame.writeUInt16BE(0x8003, 0);
  frame.writeUInt16BE(GOAWAY, 2);
  frame.writeUIntBE(8, 5, 3);
  frame.writeUInt32BE(lastGoodStreamId & 0x7fffffff, 8);
  return frame;
}

/** Server → client SPDY/3.1 frames; going away is GOAWAY with the last stream replied to. */
export function spdyFraming(): Framing {
  let lastReplied = 0;
  return {
    readHeader(h) {
      if (h.length < HEADER_BYTES) return undefined;
      const length = h.readUIntBE(5, 3);
      const control = (h[0]! & 0x80) !== 0;
      const type = h.readUInt16BE(2);
      if (!control || (type !== SYN_REPLY && type !== RST_STREAM) || length < 4) return length;
      // The stream ID is read as part of the header, so the gate holds it until it is complete.
      if (h.length < HEADER_BYTES + 4) return undefined;
      lastReplied = Math.max(lastReplied, h.readUInt32BE(HEADER_BYTES) & 0x7fffffff);
      return length - 4;
    },
    goingAway: () => goAwayFrame(lastReplied),
  };
}
