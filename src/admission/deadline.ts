// The per-request deadline. The API server gives up on a webhook after timeoutSeconds and then applies its own
// failurePolicy without any explanation; Gatehouse stops earlier so that it, not the timeout, answers — with a
// message saying what happened. Synchronous policy code cannot be interrupted in JavaScript, so the deadline is
// checked before each policy runs, raced against policies that wait (I/O), and checked once more at the end.
import type { EvaluationInput, Policy, RuleOutcome } from '../policy/policy.js';

export class DeadlineExceededError extends Error {
  override name = 'DeadlineExceededError';
}

export interface Deadline {
  readonly budgetMs: number;
  remainingMs(): number;
  expired(): boolean;
}

export function deadlineAfter(budgetMs: number, now: () => number = performance.now.bind(performance)): Deadline {
  const end = now() + budgetMs;
  return {
    budgetMs,
    remainingMs: () => Math.max(0, end - now()),
    expired: () => now() >= end,
  };
}

/** The deadline of the request an input belongs to; policies are shared, inputs are per request. */
const deadlines = new WeakMap<EvaluationInput, Deadline>();

export function bindDeadline(input: EvaluationInput, deadline: Deadline): void {
  deadlines.set(input, deadline);
}

/**
 * Rejects when `promise` has not settled within `ms`. The timer runs a millisecond past `ms` (timers may fire up
 * to a millisecond early), so a deadline it races has certainly expired when it fires.
 */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceededError(`${what} did not finish within ${Math.round(ms)} ms`)), Math.ceil(ms) + 1);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export type PolicyObserver = (policy: string, seconds: number) => void;

/**
 * Wraps a policy so that it refuses to start after its request's deadline, cannot wait past it, and reports how
 * long it took (for the per-policy evaluation-time metric).
 */
export function guardPolicy(policy: Policy, observe: PolicyObserver): Policy {
  return {
    name: policy.name,
    ...(policy.title !== undefined ? { title: policy.title } : {}),
    rules: policy.rules,
    evaluate(input: EvaluationInput): RuleOutcome[] | Promise<RuleOutcome[]> {
      const deadline = deadlines.get(input);
      if (deadline?.expired()) throw new DeadlineExceededError(`deadline of ${deadline.budgetMs} ms passed before policy ${policy.name} ran`);
      const start = performance.now();
      const outcome = policy.evaluate(input);
      if (!(outcome instanceof Promise)) {
        observe(policy.name, (performance.now() - start) / 1000);
        return outcome;
      }
      const bounded = deadline ? within(outcome, deadline.remainingMs(), `policy ${policy.name}`) : outcome;
      return bounded.finally(() => observe(policy.name, (performance.now() - start) / 1000));
    },
  };
}
