// Runtime cost accounting, in the spirit of the API server's CEL cost limits: a hostile object (10,000
// containers, megabyte strings) or a nested comprehension cannot make one evaluation run away.
//
// The model, applied by instrumenting every node of a checked expression:
// - evaluating any node costs 1 (so each comprehension iteration costs the size of its body);
// - every argument of a function call or operator (including the receiver of a method call) additionally costs
//   its size: strings and bytes 1 per started 10 characters/bytes, lists and maps 1 per element (whole numbers,
//   so a total does not depend on the order it is summed in).
// Exceeding the budget throws CelCostLimitError at the node that crossed it.

import { isPlainObject } from './values.js';

/** The API server's per-expression runtime cost limit (apiserver PerCallLimit). */
export const DEFAULT_COST_LIMIT = 1_000_000;

/** Counts cost for one evaluation, or for several that share a budget (composed variables). */
export class CostMeter {
  cost = 0;
  constructor(readonly limit: number = DEFAULT_COST_LIMIT) {
    if (!(limit > 0)) throw new RangeError(`cost limit must be positive, got ${limit}`);
  }
}

/** Activation key under which an evaluation's meter travels: not a valid CEL identifier, so no expression can name it. */
export const METER_KEY = '@cost';

/** The size charged for an argument value, per the model above. */
export function sizeCost(value: unknown): number {
  if (typeof value === 'string') return Math.ceil(value.length / 10);
  if (typeof value !== 'object' || value === null) return 0;
  if (Array.isArray(value)) return value.length;
  if (value instanceof Uint8Array) return Math.ceil(value.length / 10);
  if (value instanceof Map || value instanceof Set) return value.size;
  if (isPlainObject(value)) {
    let n = 0;
    for (const _ in value) n++;
    return n;
  }
  return 0;
}
