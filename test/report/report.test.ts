import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PolicyResult } from '../../src/policy/result.js';
import type { Formatter } from '../../src/report/report.js';
import { writeReport } from '../../src/report/report.js';
import { RESULTS, fixtureInput } from './support/fixture.js';

function recorder(failOnAdd = false) {
  const calls: string[] = [];
  const batches: (readonly PolicyResult[])[] = [];
  const formatter: Formatter = (header) => {
    calls.push(`open ${header.tool.name}`);
    return {
      add(results) {
        if (failOnAdd) throw new Error('sink broke');
        batches.push(results);
        calls.push(`add ${results.length}`);
      },
      end: () => calls.push('end'),
      abort: () => calls.push('abort'),
    };
  };
  return { formatter, calls, batches };
}

describe('writeReport', () => {
  it('feeds results already in memory one resource at a time, in order, then ends', () => {
    const { formatter, calls, batches } = recorder();
    writeReport(formatter, fixtureInput(), { write: () => {} });
    // web (5 results), db (2), job, cluster role, input error.
    assert.deepEqual(calls, ['open gatehouse', 'add 5', 'add 2', 'add 1', 'add 1', 'add 1', 'end']);
    assert.deepEqual(batches.flat(), RESULTS);
  });

  it('keeps the same object from two documents apart, and splits a resource whose results are not consecutive', () => {
    const { formatter, batches } = recorder();
    const [a, b] = [RESULTS[0]!, RESULTS[5]!];
    const again = { ...a, source: { file: a.source!.file, line: 99 } };
    writeReport(formatter, fixtureInput({ results: [a, a, again, b, a] }), { write: () => {} });
    assert.deepEqual(batches.map((batch) => batch.length), [2, 1, 1, 1]);
  });

  it('aborts the writer when adding fails, and rethrows', () => {
    const { formatter, calls } = recorder(true);
    assert.throws(() => writeReport(formatter, fixtureInput(), { write: () => {} }), /sink broke/);
    assert.deepEqual(calls, ['open gatehouse', 'abort']);
  });

  it('opens and ends the writer for an empty run', () => {
    const { formatter, calls } = recorder();
    writeReport(formatter, fixtureInput({ results: [] }), { write: () => {} });
    assert.deepEqual(calls, ['open gatehouse', 'end']);
  });
});
