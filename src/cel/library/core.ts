// Standard CEL functions the evaluator lacks (found by the conformance run): conversions between int, uint,
// timestamp, duration and string, and ordering of bytes.
import { Duration, UnsignedInt } from '@marcbachmann/cel-js/evaluator';
import { celError } from '../fail.js';
import type { CelLibrary } from '../library.js';

const INT64_MAX = 2n ** 63n - 1n;

function uintToInt(u: UnsignedInt): bigint {
  const v = u.valueOf();
  if (v > INT64_MAX) throw celError('int() type error: integer overflow');
  return v;
}

/** RFC 3339 in UTC with the fraction trimmed, as Go's time.RFC3339Nano prints it. */
function timestampString(d: Date): string {
  return d.toISOString().replace(/\.?0+Z$/, 'Z').replace(/\.Z$/, 'Z');
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

const TS = 'google.protobuf.Timestamp';
const DUR = 'google.protobuf.Duration';

export const coreLibrary: CelLibrary = {
  name: 'cel.core',
  functions: [
    { signature: 'int(uint): int', handler: uintToInt },
    { signature: `int(${TS}): int`, handler: (d: Date) => BigInt(Math.floor(d.getTime() / 1000)) },
    { signature: `string(${TS}): string`, handler: timestampString },
    { signature: `string(${DUR}): string`, handler: (d: Duration) => d.toString() },
    { signature: `timestamp(${TS}): ${TS}`, handler: (d: Date) => d },
    { signature: `duration(${DUR}): ${DUR}`, handler: (d: Duration) => d },
  ],
  operators: [
    { signature: 'bytes < bytes', handler: (a: Uint8Array, b: Uint8Array) => compareBytes(a, b) < 0 },
    { signature: 'bytes <= bytes', handler: (a: Uint8Array, b: Uint8Array) => compareBytes(a, b) <= 0 },
    { signature: 'bytes > bytes', handler: (a: Uint8Array, b: Uint8Array) => compareBytes(a, b) > 0 },
    { signature: 'bytes >= bytes', handler: (a: Uint8Array, b: Uint8Array) => compareBytes(a, b) >= 0 },
  ],
};
