import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameBoundaryGate } from '../../src/proxy/frame-boundary-gate.js';
import { serverCloseFrame, websocketFraming } from '../../src/proxy/websocket-frames.js';
import { checkUpgrade } from '../../src/proxy/upgrade.js';

function frame(payload: Buffer, masked = false): Buffer {
  const length = payload.length;
  const head = length < 126 ? Buffer.from([0x82, length | (masked ? 0x80 : 0)]) : length < 65536 ? Buffer.from([0x82, 126 | (masked ? 0x80 : 0), length >> 8, length & 0xff]) : (() => {
    const b = Buffer.alloc(10);
    b[0] = 0x82;
    b[1] = 127 | (masked ? 0x80 : 0);
    b.writeBigUInt64BE(BigInt(length), 2);
    return b;
  })();
  return Buffer.concat([head, masked ? Buffer.from([1, 2, 3, 4]) : Buffer.alloc(0), payload]);
}

test('the gate passes bytes through unchanged and stops only between frames', async () => {
  const frames = [frame(Buffer.alloc(10, 1)), frame(Buffer.alloc(300, 2), true), frame(Buffer.alloc(70_000, 3))];
  const all = Buffer.concat(frames);
  const gate = new FrameBoundaryGate(websocketFraming().readHeader);
  const out: Buffer[] = [];
  gate.on('data', (c: Buffer) => out.push(c));
  // Feed the first frame and half of the second, then ask to stop: the rest of the second frame must still pass.
  const cut = frames[0]!.length + 150;
  gate.write(all.subarray(0, cut));
  const stopped = gate.stopAtBoundary();
  let done = false;
  void stopped.then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(done, false, 'mid-frame: not stopped yet');
  gate.write(all.subarray(cut, frames[0]!.length + frames[1]!.length + 5));
  await stopped;
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(Buffer.concat(out), Buffer.concat([frames[0]!, frames[1]!]));
});

test('close frame layout', () => {
  assert.deepEqual(serverCloseFrame(1001, 'bye'), Buffer.from([0x88, 5, 0x03, 0xe9, 0x62, 0x79, 0x65]));
  assert.deepEqual(websocketFraming().goingAway(), serverCloseFrame(1001, 'server shutting down'));
});

test('upgrade protocols: websocket and SPDY/3.1 only, one at a time, with Connection: Upgrade', () => {
  assert.deepEqual(checkUpgrade({ upgrade: 'websocket', connection: 'Upgrade' }), { protocol: 'websocket' });
  assert.deepEqual(checkUpgrade({ upgrade: 'SPDY/3.1', connection: 'keep-alive, upgrade' }), { protocol: 'SPDY/3.1' });
  for (const headers of [{ upgrade: 'h2c', connection: 'Upgrade' }, { upgrade: 'websocket, h2c', connection: 'Upgrade' }, { upgrade: 'websocket' }, { upgrade: '', connection: 'Upgrade' }]) {
    assert.ok('refused' in checkUpgrade(headers), JSON.stringify(headers));
  }
});
