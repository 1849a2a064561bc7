import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summarize } from '../../src/policy/result.js';
import { formatJson, toJsonResult } from '../../src/report/json.js';
import { HOSTILE, RESULTS, fixtureInput } from './support/fixture.js';
import { render } from './support/render.js';

const CONTRACT_KEYS = ['policy', 'rule', 'result', 'severity', 'message', 'resource', 'source'];
const OPTIONAL_KEYS = ['category', 'remediation', 'justification', 'properties'];

describe('json formatter', () => {
  const { text } = render(formatJson, fixtureInput());
  const doc = JSON.parse(text);

  it('has exactly the contract envelope', () => {
    // Key order carries no meaning in JSON; `summary` follows the streamed results.
    assert.deepEqual(Object.keys(doc).sort(), ['apiVersion', 'kind', 'results', 'summary']);
    assert.equal(doc.apiVersion, 'gatehouse.dev/v1alpha1');
    assert.equal(doc.kind, 'ScanResult');
    assert.deepEqual(doc.summary, { pass: 2, fail: 3, warn: 1, skip: 2, error: 2 });
    assert.deepEqual(doc.summary, summarize(RESULTS));
    assert.equal(doc.results.length, RESULTS.length);
  });

  it('gives every result the contract keys in order, with only the documented extras', () => {
    for (const r of doc.results) {
      const keys = Object.keys(r);
      assert.deepEqual(keys.slice(0, CONTRACT_KEYS.length), CONTRACT_KEYS);
      for (const extra of keys.slice(CONTRACT_KEYS.length)) assert.ok(OPTIONAL_KEYS.includes(extra), `unexpected key ${extra}`);
      assert.match(r.result, /^(pass|fail|warn|skip|error)$/);
      assert.match(r.severity, /^(info|low|medium|high|critical)$/);
      if (r.resource !== null) assert.deepEqual(Object.keys(r.resource), ['apiVersion', 'kind', 'namespace', 'name']);
      if (r.source !== null) {
        assert.equal(typeof r.source.file, 'string');
        assert.ok(Number.isInteger(r.source.line));
      }
    }
  });

  it('keeps results in input order and round-trips every field', () => {
    doc.results.forEach((r: unknown, i: number) => assert.deepEqual(r, toJsonResult(RESULTS[i]!)));
    const helm = doc.results[5];
    assert.deepEqual(helm.source, { file: 'rendered/chart.yaml', line: 40, template: 'mychart/templates/statefulset.yaml' });
    const exempted = doc.results[2];
    assert.equal(exempted.result, 'skip');
    assert.equal(exempted.justification, 'INC-42: vendor image');
  });

  it('writes null resource for input errors and "" for an unset namespace', () => {
    const inputError = doc.results.find((r: { rule: string }) => r.rule === 'parse-error');
    assert.equal(inputError.resource, null);
    assert.deepEqual(inputError.source, { file: 'manifests/broken.yaml', line: 7 });
    const job = doc.results.find((r: { rule: string }) => r.rule === 'default-namespace');
    assert.equal(job.resource.namespace, '');
  });

  it('carries hostile text through exactly, escaped as JSON', () => {
    assert.equal(doc.results[3].message, HOSTILE);
    assert.doesNotMatch(text, /[\u0001\u001b]/, 'raw control characters must be escaped');
  });

  it('streams results before the summary, which counts them all', () => {
    assert.ok(text.startsWith('{"apiVersion":"gatehouse.dev/v1alpha1","kind":"ScanResult","results":[\n{"policy":'), text.slice(0, 120));
    assert.ok(text.endsWith(`\n],"summary":${JSON.stringify(summarize(RESULTS))}}\n`));
    assert.equal(text.split('\n').length, RESULTS.length + 3, 'one result per line');
  });

  it('writes a valid document for no results', () => {
    const empty = JSON.parse(render(formatJson, fixtureInput({ results: [] })).text);
    assert.deepEqual(empty, { apiVersion: 'gatehouse.dev/v1alpha1', kind: 'ScanResult', summary: { pass: 0, fail: 0, warn: 0, skip: 0, error: 0 }, results: [] });
  });
});
