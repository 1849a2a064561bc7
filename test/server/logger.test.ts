import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/server/logger.js';

test('credentials are redacted at any common depth', () => {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _e, cb) => (lines.push(chunk.toString()), cb()) });
  const logger = createLogger({ name: 'test', destination: sink });
  logger.info({ authorization: 'Bearer s1', token: 's2', req: { headers: { authorization: 'Bearer s3', cookie: 's4' } }, upstream: { token: 's5' }, user: 'alice' }, 'x');
  const line = lines.join('');
  for (const secret of ['s1', 's2', 's3', 's4', 's5']) assert.ok(!line.includes(secret), `${secret} leaked: ${line}`);
  assert.match(line, /"user":"alice"/);
});
