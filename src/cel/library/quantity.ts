// Kubernetes' quantity library: quantity("500m"), isQuantity, sign, isInteger, asInteger, asApproximateFloat,
// add/sub (Quantity or int), isGreaterThan, isLessThan, compareTo. Arithmetic is src/kube/quantity.ts.
import { parseQuantity, Quantity, QuantityError, isQuantity } from '../../kube/quantity.js';
import { celError } from '../fail.js';
import type { CelLibrary } from '../library.js';

function quantity(s: string): Quantity {
  try {
    return parseQuantity(s);
  } catch (error) {
    throw celError(error instanceof QuantityError ? error.message : String(error));
  }
}

function asInteger(q: Quantity): bigint {
  const v = q.asInteger();
  if (v === undefined || v > 2n ** 63n - 1n || v < -(2n ** 63n)) throw celError('cannot convert value to integer');
  return v;
}

const cmp = (a: Quantity, b: Quantity) => BigInt(a.compare(b));

export const quantityLibrary: CelLibrary = {
  name: 'kubernetes.quantity',
  types: [{ name: 'kubernetes.Quantity', ctor: Quantity }],
  operators: [{ signature: 'kubernetes.Quantity == kubernetes.Quantity', handler: (a: Quantity, b: Quantity) => a.equals(b) }],
  functions: [
    { signature: 'quantity(string): kubernetes.Quantity', handler: quantity },
    { signature: 'isQuantity(string): bool', handler: isQuantity },
    { signature: 'kubernetes.Quantity.sign(): int', handler: (q: Quantity) => BigInt(q.sign()) },
    { signature: 'kubernetes.Quantity.isInteger(): bool', handler: (q: Quantity) => q.isInteger() },
    { signature: 'kubernetes.Quantity.asInteger(): int', handler: asInteger },
    { signature: 'kubernetes.Quantity.asApproximateFloat(): double', handler: (q: Quantity) => q.asApproximateFloat() },
    { signature: 'kubernetes.Quantity.add(kubernetes.Quantity): kubernetes.Quantity', handler: (a: Quantity, b: Quantity) => a.add(b) },
    { signature: 'kubernetes.Quantity.add(int): kubernetes.Quantity', handler: (a: Quantity, b: bigint) => a.add(Quantity.fromInteger(b)) },
    { signature: 'kubernetes.Quantity.sub(kubernetes.Quantity): kubernetes.Quantity', handler: (a: Quantity, b: Quantity) => a.sub(b) },
    { signature: 'kubernetes.Quantity.sub(int): kubernetes.Quantity', handler: (a: Quantity, b: bigint) => a.sub(Quantity.fromInteger(b)) },
    { signature: 'kubernetes.Quantity.isGreaterThan(kubernetes.Quantity): bool', handler: (a: Quantity, b: Quantity) => a.compare(b) > 0 },
    { signature: 'kubernetes.Quantity.isLessThan(kubernetes.Quantity): bool', handler: (a: Quantity, b: Quantity) => a.compare(b) < 0 },
    { signature: 'kubernetes.Quantity.compareTo(kubernetes.Quantity): int', handler: cmp },
  ],
};
