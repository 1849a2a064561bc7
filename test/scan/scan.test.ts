import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { PolicyEngine } from '../../src/policy/engine.js';
import type { Policy } from '../../src/policy/policy.js';
import type { PolicyResult } from '../../src/policy/result.js';
import { INPUT_POLICY, INPUT_RULE, scanPaths } from '../../src/scan/scan.js';

/** Two rules per object, so a resource's results are a batch of two. */
const policy: Policy = {
  name: 'test-policy',
  rules: [{ id: 'named', severity: 'high', description: 'Objects have names.' }, { id: 'always', severity: 'low', description: 'Always passes.' }],
  evaluate: (input) => [
    { rule: 'named', result: input.object.metadata?.name === 'bad' ? 'fail' : 'pass', message: 'name checked' },
    { rule: 'always', result: 'pass', message: 'ok' },
  ],
};

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-scan-paths-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('scanPaths', () => {
  it('hands each resource\'s results on as one batch, in file and document order, and keeps none', async () => {
    writeFileSync(join(dir, 'a.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\n');
    writeFileSync(join(dir, 'b.yaml'), 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: s\n');
    const batches: (readonly PolicyResult[])[] = [];
    const progress: number[] = [];
    const outcome = await scanPaths([dir], { engine: new PolicyEngine([policy]), onResults: (r) => batches.push(r), onProgress: (n) => progress.push(n) });
    assert.deepEqual(outcome, { resources: 3, inputErrors: 0 });
    assert.deepEqual(Object.keys(outcome).sort(), ['inputErrors', 'resources'], 'no results are accumulated');
    assert.deepEqual(batches.map((b) => b.map((r) => `${r.resource!.name}/${r.rule}/${r.result}`)), [
      ['good/named/pass', 'good/always/pass'],
      ['bad/named/fail', 'bad/always/pass'],
      ['s/named/pass', 's/always/pass'],
    ]);
    // The files lie outside the working directory, so results name them by absolute path.
    assert.deepEqual(batches.map((b) => b[0]!.source), [{ file: join(dir, 'a.yaml'), line: 1 }, { file: join(dir, 'a.yaml'), line: 6 }, { file: join(dir, 'b.yaml'), line: 4 }]);
    assert.deepEqual(progress, [1, 2, 3]);
  });

  it('turns each unreadable document or path into its own input-error result, scans the rest, and counts without a progress callback', async () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'kind: [broken\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good\n---\njust: a mapping\n');
    const batches: (readonly PolicyResult[])[] = [];
    const outcome = await scanPaths([file, join(dir, 'missing.yaml')], { engine: new PolicyEngine([policy]), onResults: (r) => batches.push(r) });
    assert.deepEqual(outcome, { resources: 1, inputErrors: 3 });
    assert.deepEqual(batches.map((b) => b.length), [1, 1, 2, 1]);
    const errors = batches.filter((b) => b[0]!.policy === INPUT_POLICY).map((b) => b[0]!);
    for (const e of errors) {
      assert.equal(e.rule, INPUT_RULE.id);
      assert.equal(e.result, 'error');
      assert.equal(e.severity, INPUT_RULE.severity);
      assert.equal(e.resource, undefined);
      assert.equal(e.remediation, INPUT_RULE.remediation);
    }
    assert.match(errors[0]!.message, /no such file or directory/);
    assert.deepEqual(errors.slice(1).map((e) => e.source!.line), [1, 8]);
  });
});
