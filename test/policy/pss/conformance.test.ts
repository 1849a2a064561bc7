// Runs Pod Security Admission's fixtures (shipped beside the repository, not in it) through the engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { runPssConformance } from '../../../src/policy/pss/conformance.js';

const FIXTURES = '../shared/conformance/pss';

test('every PSA fixture gets the fixture\'s verdict', { skip: existsSync(FIXTURES) ? false : `PSS fixtures not found at ${FIXTURES}` }, () => {
  const report = runPssConformance(FIXTURES);
  assert.ok(report.total >= 4537, `only ${report.total} fixtures found`);
  assert.deepEqual(report.mismatches, []);
  assert.equal(report.matched, report.total);
});
