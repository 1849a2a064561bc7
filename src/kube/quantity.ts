// Kubernetes resource quantities (k8s.io/apimachinery resource.Quantity): parsing, exact arithmetic, comparison
// and canonical formatting.
//
// A quantity is held exactly as an integer number of nano-units (value × 10^9), the precision Kubernetes keeps:
// finer fractions are rounded away from zero (ParseQuantity rounds up to 1n), and magnitudes are capped at
// 2^63-1 as ParseQuantity caps them. The format (suffix family) of the input is kept for formatting.

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

const NANO = 10n ** 9n;
const MAX_UNITS = 2n ** 63n - 1n;
const MAX_NANOS = MAX_UNITS * NANO;
/** Longest quantity string accepted; longer strings are not quantities (and are not worth the work). */
export const MAX_QUANTITY_LENGTH = 128;

const DECIMAL_SUFFIX: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIX: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const NUMBER = /^([+-]?)(\d*)(?:\.(\d*))?(.*)$/;

export class QuantityError extends Error {
  override readonly name = 'QuantityError';
}

export class Quantity {
  private constructor(
    /** The value in nano-units (value × 10^9). */
    readonly nanos: bigint,
    readonly format: QuantityFormat,
  ) {}

  static fromNanos(nanos: bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(clamp(nanos), format);
  }

  static fromInteger(value: bigint | number, format: QuantityFormat = 'DecimalSI'): Quantity {
    return Quantity.fromNanos(BigInt(value) * NANO, format);
  }

  sign(): number {
    return this.nanos === 0n ? 0 : this.nanos < 0n ? -1 : 1;
  }

  isInteger(): boolean {
    return this.nanos % NANO === 0n;
  }

  /** The exact integer value; undefined when there is a fractional part. */
  asInteger(): bigint | undefined {
    return this.isInteger() ? this.nanos / NANO : undefined;
  }

  /** Quantity.Value(): the value rounded up (away from zero) to an integer. */
  value(): bigint {
    return divideAway(this.nanos, NANO);
  }

  /** Quantity.MilliValue(): the value in milli-units rounded up (away from zero). */
  milliValue(): bigint {
    return divideAway(this.nanos, 10n ** 6n);
  }

  asApproximateFloat(): number {
    return Number(this.nanos) / 1e9;
  }

  compare(other: Quantity): number {
    return this.nanos === other.nanos ? 0 : this.nanos < other.nanos ? -1 : 1;
  }

  equals(other: unknown): boolean {
    return other instanceof Quantity && other.nanos === this.nanos;
  }

  add(other: Quantity): Quantity {
    return new Quantity(clamp(this.nanos + other.nanos), this.format);
  }

  sub(other: Quantity): Quantity {
    return new Quantity(clamp(this.nanos - other.nanos), this.format);
  }

  /** Canonical form, as Quantity.String() prints it. */
  toString(): string {
    if (this.nanos === 0n) return '0';
    if (this.format === 'BinarySI' && this.isInteger()) {
      const units = this.nanos / NANO;
      const abs = units < 0n ? -units : units;
      // Binary suffixes only when they represent the value exactly and it is at least 1Ki.
      if (abs >= 1024n) {
        let exp = 0;
        let mantissa = units;
        while (exp < 60 && mantissa % 1024n === 0n) {
          mantissa /= 1024n;
          exp += 10;
        }
        const suffix = Object.keys(BINARY_SUFFIX).find((s) => BINARY_SUFFIX[s] === exp) ?? '';
        return `${mantissa}${suffix}`;
      }
    }
    // Decimal: the largest exponent (multiple of 3, from -9 to 18) that leaves an integer mantissa.
    let exp = -9;
    let mantissa = this.nanos;
    while (exp < 18 && mantissa % 1000n === 0n) {
      mantissa /= 1000n;
      exp += 3;
    }
    if (this.format === 'DecimalExponent') return exp === 0 ? `${mantissa}` : `${mantissa}e${exp}`;
    const suffix = Object.keys(DECIMAL_SUFFIX).find((s) => DECIMAL_SUFFIX[s] === exp) ?? '';
    return `${mantissa}${suffix}`;
  }
}

/** Parses a quantity; throws QuantityError naming what is wrong. */
export function parseQuantity(input: string): Quantity {
  if (typeof input !== 'string' || input.length === 0) throw new QuantityError('quantities must match the regular expression');
  if (input.length > MAX_QUANTITY_LENGTH) throw new QuantityError(`quantity is longer than ${MAX_QUANTITY_LENGTH} characters`);
  const m = NUMBER.exec(input);
  const [, sign = '', whole = '', fraction = '', suffix = ''] = m ?? [];
  if (!m || (whole === '' && fraction === '')) throw new QuantityError(`unable to parse quantity's numeric part: ${JSON.stringify(input)}`);
  const digits = (whole + fraction).replace(/^0+(?=\d)/, '');
  let decimalExp = -fraction.length;
  let binaryExp = 0;
  let format: QuantityFormat;
  if (suffix in DECIMAL_SUFFIX) {
    decimalExp += DECIMAL_SUFFIX[suffix]!;
    format = 'DecimalSI';
  } else if (suffix in BINARY_SUFFIX) {
    binaryExp = BINARY_SUFFIX[suffix]!;
    format = 'BinarySI';
  } else if (/^[eE][+-]?\d+$/.test(suffix)) {
    const e = Number(suffix.slice(1));
    if (!Number.isSafeInteger(e)) throw new QuantityError(`unable to parse quantity's exponent: ${JSON.stringify(input)}`);
    decimalExp += e;
    format = 'DecimalExponent';
  } else {
    throw new QuantityError(`unable to parse quantity's suffix: ${JSON.stringify(suffix)}`);
  }
  const negative = sign === '-';
  const mantissa = BigInt(digits);
  if (mantissa === 0n) return Quantity.fromNanos(0n, format);
  let nanos: bigint;
  const shift = decimalExp + 9;
  const magnitude = digits.length + shift + Math.ceil(binaryExp * Math.log10(2));
  if (magnitude > 40) {
    nanos = MAX_NANOS; // far beyond 2^63-1: capped, without computing the power
  } else if (shift >= 0) {
    nanos = (mantissa << BigInt(binaryExp)) * 10n ** BigInt(shift);
  } else if (-shift > digits.length + 25) {
    nanos = 1n; // a positive amount far below 1n rounds up to 1n
  } else {
    nanos = divideAway(mantissa << BigInt(binaryExp), 10n ** BigInt(-shift));
  }
  return Quantity.fromNanos(negative ? -nanos : nanos, format);
}

export function isQuantity(input: string): boolean {
  try {
    parseQuantity(input);
    return true;
  } catch {
    return false;
  }
}

function clamp(nanos: bigint): bigint {
  if (nanos > MAX_NANOS) return MAX_NANOS;
  if (nanos < -MAX_NANOS) return -MAX_NANOS;
  return nanos;
}

/** Integer division rounding away from zero. */
function divideAway(n: bigint, d: bigint): bigint {
  const q = n / d;
  return n % d === 0n ? q : n < 0n ? q - 1n : q + 1n;
}
