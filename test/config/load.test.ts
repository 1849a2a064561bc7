import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/config/config-error.js';
import { CONFIG_LIMITS, parseConfigText, readConfigFile } from '../../src/config/load.js';

function problem(text: string): string {
  try {
    parseConfigText(text, 'g.yaml');
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.message;
  }
  assert.fail('expected a ConfigError');
}

describe('configuration file loading', () => {
  it('returns the one object in the file', () => {
    const object = parseConfigText('# comment\napiVersion: gatehouse.dev/v1alpha1\nkind: ScanConfiguration\n', 'g.yaml');
    assert.equal(object.kind, 'ScanConfiguration');
  });

  it('names file and line of a syntax error', () => {
    assert.match(problem('apiVersion: gatehouse.dev/v1alpha1\nkind: ScanConfiguration\nrules:\n  disabled: [a\n'), /^g\.yaml:\d+: /);
  });

  it('refuses a second document', () => {
    assert.equal(problem('apiVersion: a/v1\nkind: A\n---\napiVersion: a/v1\nkind: B\n'), 'g.yaml:4: expected exactly one document');
  });

  it('refuses an empty file and a document that is not an object', () => {
    assert.equal(problem('# nothing\n'), 'g.yaml: the file holds no configuration document');
    assert.match(problem('- a\n- b\n'), /^g\.yaml:1: not a Kubernetes object/);
  });

  it('refuses alias bombs quickly', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    assert.match(problem(`apiVersion: a/v1\nkind: A\n${lines.join('\n')}\n`), /^g\.yaml:\d+: .*alias/i);
  });

  it('refuses deep nesting', () => {
    const deep = `${'['.repeat(CONFIG_LIMITS.maxDepth + 5)}${']'.repeat(CONFIG_LIMITS.maxDepth + 5)}`;
    assert.match(problem(`apiVersion: a/v1\nkind: A\nx: ${deep}\n`), /nesting deeper than 32/);
  });

  describe('from disk', () => {
    let dir: string;
    before(() => { dir = mkdtempSync(join(tmpdir(), 'gatehouse-load-')); });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('refuses an oversized file before reading it', async () => {
      const file = join(dir, 'big.yaml');
      writeFileSync(file, `apiVersion: a/v1\nkind: A\npad: "${'x'.repeat(CONFIG_LIMITS.maxFileBytes)}"\n`);
      await assert.rejects(readConfigFile(file), (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, /cannot read: .*larger than the limit of 1048576 bytes/);
        return true;
      });
    });
  });
});
