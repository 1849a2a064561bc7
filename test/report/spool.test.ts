import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Spool } from '../../src/report/spool.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-spool-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function drained(spool: Spool, group: string): string {
  const chunks: string[] = [];
  spool.drain(group, (chunk) => chunks.push(chunk));
  return chunks.join('');
}

describe('Spool', () => {
  it('gives each group its text back in order, kept in memory under the budget', () => {
    const spool = new Spool({ dir });
    spool.append('a', 'one ');
    spool.append('b', 'x');
    spool.append('a', 'two');
    assert.equal(drained(spool, 'a'), 'one two');
    assert.equal(drained(spool, 'b'), 'x');
    assert.equal(drained(spool, 'a'), '', 'a drained group is forgotten');
    assert.equal(drained(spool, 'never'), '');
    spool.close();
  });

  it('spills interleaved groups to disk and reads them back exactly, multi-byte characters included', () => {
    const spool = new Spool({ dir, budgetBytes: 100 });
    const expected = new Map<string, string>();
    // Long enough that reads of the file split characters; every group spans many blocks.
    const texts = ['ascii line\n', 'ünïcødé ✓ ', '🚀 rocket ', 'x'.repeat(70_000), '€'.repeat(30_000)];
    for (let i = 0; i < 200; i++) {
      const group = `g${i % 7}`;
      const text = texts[i % texts.length]!;
      spool.append(group, text);
      expected.set(group, (expected.get(group) ?? '') + text);
    }
    for (const [group, text] of expected) assert.equal(drained(spool, group), text, group);
    spool.close();
  });

  it('leaves no file behind: the temporary file is unlinked as soon as it is opened, and closing twice is safe', () => {
    const spool = new Spool({ dir, budgetBytes: 1 });
    spool.append('g', 'spilled text');
    assert.deepEqual(readdirSync(dir), []);
    assert.equal(drained(spool, 'g'), 'spilled text');
    spool.close();
    spool.close();
    assert.deepEqual(readdirSync(dir), []);
  });

  it('fails loudly when its directory cannot hold the file', () => {
    const spool = new Spool({ dir: join(dir, 'missing'), budgetBytes: 1 });
    assert.throws(() => spool.append('g', 'text'), /ENOENT/);
    spool.close();
  });
});
