import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PolicyResult } from '../../src/policy/result.js';
import { DEFAULT_FORMAT, FORMAT_NAMES, FORMATTERS, formatterFor } from '../../src/report/formatters.js';
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

  it('every format handles an empty run', () => {
    for (const name of FORMAT_NAMES) assert.doesNotThrow(() => render(FORMATTERS[name], fixtureInput({ results: [], rules: [] })), name);
  });
});
