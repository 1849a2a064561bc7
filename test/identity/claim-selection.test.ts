import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileExpression } from '../../src/cel/index.js';
import { compileClaimsProgram } from '../../src/identity/cel-programs.js';
import { NOT_SELECTED, compileClaimSelection } from '../../src/identity/claim-selection.js';

const SELECTIONS = [
  'claims.x',
  "'github:' + claims.x",
  'claims.x + "@example.com"',
  "claims.x + ':' + claims.y",
  "claims.?x.orValue('')",
  "'env:' + claims.?x.orValue('none')",
  "claims.x == 'v'",
  "'v' != claims.x",
  "claims.x + claims.y == 'vw'",
  "['github:' + claims.x, 'github:' + claims.y]",
  '[claims.x]',
  '[]',
  "'fixed'",
  ' \t claims.x\n+\r"!" ',
];

const NOT_SELECTIONS = [
  'claims.x.y',
  "claims['x']",
  'claims.x + 1',
  'size(claims.x)',
  'claims.x // a comment',
  "r'a' + claims.x",
  "'a\\n' + claims.x",
  "'''a''' + claims.x",
  "claims.?x.orValue(claims.y)",
  "claims.?x.orValue('a').size()",
  '(claims.x)',
  "claims.x == 'a' == true",
  "['a',]",
  "claims.x ? 'a' : 'b'",
  'claims.x || claims.y',
  "has(claims.x) && claims.x == 'a'",
  'claims',
  '',
];

// Every kind of value a token's claims can hold, including the ones CEL treats specially (null is absent).
const CLAIM_SETS: Record<string, unknown>[] = [
  { x: 'v', y: 'w' },
  { x: '', y: '' },
  { x: 'ünï 😀', y: '\ud800' },
  {},
  { y: 'w' },
  { x: null, y: 'w' },
  { x: 5, y: 'w' },
  { x: 2 ** 60, y: 'w' },
  { x: 1.5, y: 'w' },
  { x: true, y: 'w' },
  { x: ['a', 'b'], y: ['c'] },
  { x: ['a', null], y: 'w' },
  { x: { a: 1, b: null }, y: 'w' },
  JSON.parse('{"x": "v", "y": "w", "__proto__": "p"}') as Record<string, unknown>,
];

function outcome(evaluate: () => unknown): { value: unknown } | { error: string } {
  try {
    return { value: evaluate() };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

describe('claim selections read without the CEL interpreter', () => {
  it('recognises plain selections, concatenations, comparisons and lists of them', () => {
    for (const source of SELECTIONS) assert.ok(compileClaimSelection(source), source);
  });

  it('leaves every other expression to CEL', () => {
    for (const source of NOT_SELECTIONS) assert.equal(compileClaimSelection(source), undefined, source);
  });

  it('reads string claims directly and answers NOT_SELECTED for anything else', () => {
    const read = (source: string, claims: Record<string, unknown>) => compileClaimSelection(source)!(claims);
    assert.equal(read("'github:' + claims.x", { x: 'org' }), 'github:org');
    assert.deepEqual(read("['a:' + claims.x, claims.y]", { x: '1', y: '2' }), ['a:1', '2']);
    assert.equal(read("claims.?x.orValue('d')", {}), 'd');
    assert.equal(read("claims.?x.orValue('d')", { x: null }), 'd');
    assert.equal(read("claims.x == 'v'", { x: 'v' }), true);
    assert.equal(read("claims.x != 'v'", { x: 'v' }), false);
    for (const claims of [{}, { x: null }, { x: 1 }, { x: ['v'] }, { x: true }]) {
      assert.equal(read("'p' + claims.x", claims), NOT_SELECTED, JSON.stringify(claims));
      assert.equal(read("claims.x == 'v'", claims), NOT_SELECTED, JSON.stringify(claims));
    }
    assert.equal(read("claims.?x.orValue('d')", { x: 7 }), NOT_SELECTED);
    // Inherited properties are not claims.
    assert.equal(read('claims.constructor', {}), NOT_SELECTED);
    assert.equal(read('claims.toString', {}), NOT_SELECTED);
  });

  it('stays within what CEL evaluates under its cost budget, leaving larger cases to CEL', () => {
    const claim = 'x'.repeat(16 * 1024);
    const longest = [`'${'l'.repeat(90_000)}'`, ...Array.from({ length: 15 }, () => 'claims.a')].join(' + ');
    const widest = `[${Array.from({ length: 8 }, () => 'claims.a + claims.a').join(', ')}] `;
    for (const source of [longest, widest]) {
      const selection = compileClaimSelection(source);
      assert.ok(selection, source.slice(0, 40));
      const cel = compileExpression(source, { variables: { claims: 'map<string, dyn>' } });
      assert.deepEqual(selection({ a: claim }), cel.evaluate({ claims: { a: claim } }));
      assert.equal(selection({ a: `${claim}x` }), NOT_SELECTED);
    }
    assert.equal(compileClaimSelection(Array.from({ length: 17 }, () => 'claims.a').join(' + ')), undefined);
  });

  it('gives exactly the value or error CEL gives, for every shape and every kind of claim', () => {
    let direct = 0;
    for (const source of SELECTIONS) {
      const program = compileClaimsProgram(source);
      assert.ok('program' in program, source);
      const cel = compileExpression(source, { variables: { claims: 'map<string, dyn>' } });
      const selection = compileClaimSelection(source)!;
      for (const claims of CLAIM_SETS) {
        const label = `${source} with ${JSON.stringify(claims)}`;
        assert.deepEqual(outcome(() => program.program.evaluate(claims)), outcome(() => cel.evaluate({ claims })), label);
        if (selection(claims) !== NOT_SELECTED) direct++;
      }
    }
    // The comparison above is only meaningful if the direct path answered a good share of the cases itself.
    assert.ok(direct >= SELECTIONS.length * 3, `direct answers: ${direct}`);
  });
});
