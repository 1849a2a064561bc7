// Conversion of JSON-like inputs to CEL values: only what must change is copied, the input is never modified.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toCelValue } from '../../src/cel/index.js';
import { evalCel } from './support.js';

test('unchanged parts of an input are shared, changed parts copied, and the input is left as it was', () => {
  const input = { metadata: { name: 'p', labels: { app: 'x' } }, spec: { replicas: 3, ratio: 0.5, paused: null, containers: [{ name: 'a', ports: [{ containerPort: 80 }] }] } };
  const before = structuredClone(input);
  const out = toCelValue(input) as Record<string, Record<string, unknown>>;
  assert.deepEqual(input, before);
  assert.equal(out.metadata, input.metadata, 'strings only: shared');
  assert.notEqual(out.spec, input.spec);
  assert.equal(out.spec!.replicas, 3n);
  assert.equal(out.spec!.ratio, 0.5);
  assert.equal('paused' in out.spec!, false, 'null entries are dropped');
  assert.equal(toCelValue(input), out, 'converted once per object');
});

test('a __proto__ key is an ordinary entry and inherited keys are out of reach', () => {
  const input = JSON.parse('{"__proto__": {"polluted": 1}, "n": 1, "m": {"s": "x"}}') as Record<string, unknown>;
  const out = toCelValue(input) as Record<string, unknown>;
  // Nothing is inherited: the prototype is empty, frozen and has none itself.
  const proto = Object.getPrototypeOf(out) as object;
  assert.equal(Object.getPrototypeOf(proto), null);
  assert.deepEqual(Reflect.ownKeys(proto), []);
  assert.ok(Object.isFrozen(proto));
  assert.equal('toString' in out, false);
  assert.deepEqual(Object.keys(out), ['__proto__', 'n', 'm']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(evalCel('object["__proto__"].polluted == 1 && !has(object.m.toString) && !("constructor" in object.m)', { object: input }), true);
});

test('lists: holes and undefined become null, nulls stay, ints convert', () => {
  assert.deepEqual(toCelValue([1, , undefined, null, 'a']), [1n, null, null, null, 'a']);
  const strings = ['a', 'b'];
  assert.equal(toCelValue(strings), strings);
});
