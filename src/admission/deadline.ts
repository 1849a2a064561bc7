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

class BudgetDeadline implements Deadline {
  private readonly end: number;

  constructor(readonly budgetMs: number, private readonly now: () => number) {
    this.end = now() + budgetMs;
  }

  remainingMs(): number {
    return Math.max(0, this.end - this.now());
  }

  expired(): boolean {
    return this.now() >= this.end;
  }
}

const monotonicNow = performance.now.bind(performance);

export function deadlineAfter(budgetMs: number, now: () => number = monotonicNow): Deadline {
  return new BudgetDeadline(budgetMs, now);
}

/**
 * The deadline of the request an input belongs to (policies are shared, inputs are per request), kept on the input
 * under a symbol: no policy reads it, and unlike a WeakMap entry it costs the garbage collector nothing extra.
 */
const DEADLINE = Symbol('gatehouse.deadline');

type DeadlineBound = EvaluationInput & { [DEADLINE]?: Deadline };

export function bindDeadline(input: EvaluationInput, deadline: Deadline): void {
  (input as DeadlineBound)[DEADLINE] = deadline;
}

interface Watch {
  deadline: Deadline;
  onExpired(): void;
}

/**
 * Calls `onExpired` once a watched deadline has passed, at most `granularityMs` late. One shared timer checks every
 * watch instead of one timer per request (arming and cancelling a timer is a measurable part of serving a small
 * request); it runs only while something is watched, and never keeps the process alive.
 */
export class DeadlineWatchdog {
  private readonly watched = new Set<Watch>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly granularityMs = 25) {}

  /** Returns the function that stops watching. */
  watch(deadline: Deadline, onExpired: () => void): () => void {
    const watch: Watch = { deadline, onExpired };
    this.watched.add(watch);
    this.timer ??= setInterval(() => this.sweep(), this.granularityMs).unref();
    return () => this.watched.delete(watch);
  }

  private sweep(): void {
    if (this.watched.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    for (const watch of this.watched) {
      if (!watch.deadline.expired()) continue;
      this.watched.delete(watch);
      watch.onExpired();
    }
  }
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
    ...(policy.background !== undefined ? { background: policy.background } : {}),
    rules: policy.rules,
    evaluate(input: EvaluationInput): readonly RuleOutcome[] | Promise<readonly RuleOutcome[]> {
      const deadline = (input as DeadlineBound)[DEADLINE];
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
