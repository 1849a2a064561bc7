// What compiled code shares while one expression is evaluated, and the value tests their fast paths rely on.
import { Optional } from '@marcbachmann/cel-js';
import type { CostMeter } from '../cost.js';

/** The interpreter's evaluator: compiled code hands it to the interpreter's own handlers when it leaves a fast path. */
export interface Evaluator {
  debugType(value: unknown): { fieldLazy(obj: unknown, key: unknown, node: unknown, ev: Evaluator): unknown };
}

/** The interpreter's root context: reads (and type-checks) the activation's variables. */
export interface RootContext {
  getCheckedValue(ev: Evaluator, node: unknown): unknown;
}

/**
 * Thrown by compiled code whenever evaluation leaves the plain case — any error, a value of an unexpected type, an
 * asynchronous result, a cost over budget: the interpreter then evaluates the whole expression and gives the exact
 * value or error. Not an Error, so throwing it records no stack.
 */
export const BAIL: unique symbol = Symbol('bail to the interpreter');

export class Frame {
  /** Cost charged by the compiled nodes so far (lazily evaluated variables charge the meter themselves). */
  cost = 0;
  /** Iteration variables and accumulators of the comprehensions, by slot. */
  readonly slots: unknown[];
  /** Set while an evaluation uses the frame: a program evaluated within its own evaluation gets a new frame. */
  busy = false;
  ev!: Evaluator;
  meter!: CostMeter;
  /** The interpreter's root context, when compiled code runs inside the interpreter's entry… */
  ctx: RootContext | undefined;
  /** …else the activation itself (generated code reads each variable as the interpreter's root context would). */
  activation: Record<string, unknown> | undefined;

  constructor(slotCount: number) {
    this.slots = slotCount === 0 ? NO_SLOTS : new Array<unknown>(slotCount);
  }

  /** Prepares the frame for an evaluation (frames are reused: one evaluation allocates none). */
  enter(ev: Evaluator, ctx: RootContext | undefined, activation: Record<string, unknown> | undefined, meter: CostMeter): this {
    this.busy = true;
    this.cost = 0;
    this.ev = ev;
    this.ctx = ctx;
    this.activation = activation;
    this.meter = meter;
    return this;
  }

  /** Ends the evaluation, letting go of what it read. */
  leave(): void {
    this.busy = false;
    this.ctx = undefined;
    this.activation = undefined;
    const slots = this.slots;
    for (let i = 0; i < slots.length; i++) slots[i] = undefined;
  }

  /** Bounds a loop: the budget is checked exactly by the interpreter, which takes over once it is exceeded. */
  checkBudget(): void {
    if (this.cost + this.meter.cost > this.meter.limit) throw BAIL;
  }
}

const NO_SLOTS: unknown[] = [];

export type Run = (frame: Frame) => unknown;

export const NONE = Optional.none();

/** A map the interpreter reads as a plain object (it tells types apart by the constructor property). */
export function isPlainMap(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const ctor = (value as { constructor?: unknown }).constructor;
  return ctor === undefined || ctor === Object;
}

/** A value whose CEL type the interpreter accepts without a registry lookup (JSON values after conversion). */
export function isJsonValue(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'bigint':
    case 'number':
      return true;
    case 'object': {
      if (value === null) return true;
      const ctor = (value as { constructor?: unknown }).constructor;
      return ctor === undefined || ctor === Object || ctor === Array || ctor === Map || ctor === Set;
    }
    default:
      return false;
  }
}
