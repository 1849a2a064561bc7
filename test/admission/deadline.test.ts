// Request deadlines and the shared watchdog that enforces them while a request body arrives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bindDeadline, deadlineAfter, DeadlineExceededError, DeadlineWatchdog, guardPolicy } from '../../src/admission/deadline.js';
import type { EvaluationInput, Policy } from '../../src/policy/policy.js';

test('a deadline counts down on its clock', () => {
  let now = 1000;
  const deadline = deadlineAfter(250, () => now);
  assert.equal(deadline.remainingMs(), 250);
  assert.equal(deadline.expired(), false);
  now = 1250;
  assert.equal(deadline.remainingMs(), 0);
  assert.equal(deadline.expired(), true);
});

test('the watchdog calls back for a deadline that has passed, once, and not for one no longer watched', async () => {
  let now = 0;
  const clock = () => now;
  const watchdog = new DeadlineWatchdog(5);
  const fired: string[] = [];
  const first = new Promise<void>((resolve) => watchdog.watch(deadlineAfter(100, clock), () => (fired.push('expired'), resolve())));
  const unwatch = watchdog.watch(deadlineAfter(100, clock), () => fired.push('unwatched'));
  watchdog.watch(deadlineAfter(10_000, clock), () => fired.push('still running'));
  unwatch();
  now = 150;
  // The watchdog's timer never holds the process open (a request's socket does); here a test timer stands in.
  const open = setInterval(() => {}, 1000);
  await first;
  // Sweeps keep running for the deadline still watched; none fires anything twice or early.
  await new Promise((resolve) => setTimeout(resolve, 30));
  clearInterval(open);
  assert.deepEqual(fired, ['expired']);
});

test('a bound deadline stops a guarded policy from starting once it has passed', () => {
  let now = 0;
  const seconds: number[] = [];
  const policy: Policy = { name: 'p', rules: [], evaluate: () => [{ rule: 'r', result: 'pass', message: 'ok' }] };
  const guarded = guardPolicy(policy, (_name, s) => seconds.push(s));
  const input: EvaluationInput = { object: { apiVersion: 'v1', kind: 'Pod', metadata: {} }, operation: 'CREATE' };
  bindDeadline(input, deadlineAfter(100, () => now));
  assert.deepEqual(guarded.evaluate(input), [{ rule: 'r', result: 'pass', message: 'ok' }]);
  assert.equal(seconds.length, 1);
  now = 100;
  assert.throws(() => guarded.evaluate(input), (err: Error) => err instanceof DeadlineExceededError && /deadline of 100 ms passed before policy p ran/.test(err.message));
  assert.deepEqual(Object.keys(input), ['object', 'operation'], 'the deadline is not an enumerable field of the input');
});
