import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { PolicyResult } from '../../src/policy/result.js';
import { DEFAULT_FORMAT, FORMAT_NAMES, FORMATTERS, formatterFor } from '../../src/report/formatters.js';
import { consecutiveGroups } from '../../src/report/group.js';
import { RESULTS, fixtureInput } from './support/fixture.js';
import { render } from './support/render.js';

/** ~12k results over 1000 resources and three files, like a small real scan. */
function largeResults(): PolicyResult[] {
  const out: PolicyResult[] = [];
  for (let i = 0; i < 1000; i++) {
    const resource = { ...RESULTS[0]!.resource!, name: `web-${i}`, namespace: `team-${i % 7}` };
    const source = { file: `manifests/app-${i % 3}.yaml`, line: 1 + i * 40 };
    for (const template of RESULTS.slice(0, 4)) out.push({ ...template, resource, source });
    for (let j = 0; j < 8; j++) out.push({ ...RESULTS[1]!, rule: `check-${j}`, resource, source });
  }
  return out;
}

describe('formatter registry', () => {
  it('offers the five formats by name, text by default', () => {
    assert.deepEqual(FORMAT_NAMES, ['text', 'json', 'sarif', 'junit', 'policyreport']);
    assert.equal(DEFAULT_FORMAT, 'text');
    for (const name of FORMAT_NAMES) assert.equal(formatterFor(name), FORMATTERS[name]);
  });

  it('knows no other names, including inherited object keys', () => {
    for (const name of ['xml', 'TEXT', 'toString', '__proto__', 'constructor', '']) assert.equal(formatterFor(name), undefined);
  });

  it('every format writes large result sets in bounded chunks', () => {
    const input = fixtureInput({ results: largeResults() });
    for (const name of FORMAT_NAMES) {
      const { chunks } = render(FORMATTERS[name], input);
      assert.ok(chunks.length > 3, `${name} wrote ${chunks.length} chunk(s)`);
      for (const chunk of chunks) assert.ok(chunk.length < 128 * 1024, `${name} chunk of ${chunk.length} chars`);
    }
  });

  it('text, json and sarif write each resource as it arrives; junit and policyreport hold theirs until the end', () => {
    const input = fixtureInput({ results: largeResults() });
    for (const name of FORMAT_NAMES) {
      let written = 0;
      const writer = FORMATTERS[name](input, { write: (chunk) => { written += chunk.length; } }, { color: false });
      for (const group of consecutiveGroups(input.results)) writer.add(group);
      const beforeEnd = written;
      writer.end();
      if (name === 'junit' || name === 'policyreport') assert.equal(beforeEnd, 0, name);
      // All but the last chunk and the closing sections are out before the run ends.
      else assert.ok(beforeEnd > 0 && written - beforeEnd < 70 * 1024, `${name}: ${beforeEnd} of ${written} written before the end`);
    }
  });

  it('every format writes the same report whether held text stays in memory or spills to a temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-formatters-'));
    try {
      const input = fixtureInput({ results: largeResults() });
      for (const name of FORMAT_NAMES) {
        const inMemory = render(FORMATTERS[name], input).text;
        const spilled = render(FORMATTERS[name], input, { color: false, spool: { dir, budgetBytes: 1 } }).text;
        assert.ok(spilled === inMemory, `${name} differs when spilled`);
        const spilledSmall = render(FORMATTERS[name], fixtureInput(), { color: false, spool: { dir, budgetBytes: 1 } }).text;
        assert.ok(spilledSmall === render(FORMATTERS[name], fixtureInput()).text, `${name} fixture differs when spilled`);
      }
      assert.deepEqual(readdirSync(dir), [], 'no temporary file is left behind');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every format closes its temporary file when a run is abandoned', { skip: existsSync('/proc/self/fd') ? false : 'needs /proc' }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-formatters-'));
    const openFiles = () => readdirSync('/proc/self/fd').length;
    try {
      for (const name of FORMAT_NAMES) {
        const before = openFiles();
        const writer = FORMATTERS[name](fixtureInput(), { write: () => {} }, { color: false, spool: { dir, budgetBytes: 1 } });
        for (let i = 0; i < 3; i++) writer.add(RESULTS.slice(-1));
        writer.abort();
        assert.equal(openFiles(), before, name);
      }
      assert.deepEqual(readdirSync(dir), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every format handles an empty run', () => {
    for (const name of FORMAT_NAMES) assert.doesNotThrow(() => render(FORMATTERS[name], fixtureInput({ results: [], rules: [] })), name);
  });
});
