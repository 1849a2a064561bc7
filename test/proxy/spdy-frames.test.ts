import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameBoundaryGate } from '../../src/proxy/frame-boundary-gate.js';
import { goAwayFrame, spdyFraming } from '../../src/proxy/spdy-frames.js';

function control(type: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8003, 0);
  head.writeUInt16BE(type, 2);
  head.writeUIntBE(payload.length, 5, 3);
  return Buffer.concat([head, payload]);
}

function data(stream: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(stream, 0);
  head.writeUIntBE(payload.length, 5, 3);
  return Buffer.concat([head, payload]);
}

const streamId = (id: number, rest = Buffer.alloc(0)) => Buffer.concat([Buffer.from([0, 0, 0, id]), rest]);

test('GOAWAY layout: control frame, version 3, type 7, length 8, last good stream, status OK', () => {
  assert.deepEqual(goAwayFrame(5), Buffer.from([0x80, 3, 0, 7, 0, 0, 0, 8, 0, 0, 0, 5, 0, 0, 0, 0]));
});

test('SPDY frames pass unchanged, the gate stops only between frames, and GOAWAY names the last stream replied to', async () => {
  const frames = [
    control(4, Buffer.alloc(4)), // SETTINGS, no entries
    control(2, streamId(5, Buffer.from('headers'))), // SYN_REPLY for stream 5
    data(5, Buffer.alloc(300, 1)),
    control(3, streamId(3, Buffer.alloc(4))), // RST_STREAM for stream 3: not above 5
    data(5, Buffer.alloc(20, 2)),
  ];
  const all = Buffer.concat(frames);
  const framing = spdyFraming();
  const gate = new FrameBoundaryGate(framing.readHeader);
  const out: Buffer[] = [];
  gate.on('data', (c: Buffer) => out.push(c));
  // Byte by byte up to the middle of the 300-byte data frame, so every header arrives split.
  const cut = frames[0]!.length + frames[1]!.length + 100;
  for (let i = 0; i < cut; i++) gate.write(all.subarray(i, i + 1));
  const stopped = gate.stopAtBoundary();
  let done = false;
  void stopped.then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(done, false, 'mid-frame: not stopped yet');
  gate.write(all.subarray(cut));
  await stopped;
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(Buffer.concat(out), Buffer.concat(frames.slice(0, 3)), 'the data frame completes; nothing after it passes');
  assert.deepEqual(framing.goingAway(), goAwayFrame(5));
});

test('RST_STREAM counts as a reply; before any reply GOAWAY names stream 0', async () => {
  const framing = spdyFraming();
  assert.deepEqual(framing.goingAway(), goAwayFrame(0));
  const gate = new FrameBoundaryGate(framing.readHeader);
  gate.resume();
  gate.write(Buffer.concat([control(3, streamId(9, Buffer.alloc(4))), control(2, streamId(7))]));
  await gate.stopAtBoundary();
  assert.deepEqual(framing.goingAway(), goAwayFrame(9));
});
