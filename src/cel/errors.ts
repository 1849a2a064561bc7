// Errors raised by the CEL environment. Both carry the expression position as line:column plus a caret line,
// so callers can prefix them with the file, policy and field path they know about.

export interface CelPosition {
  /** 0-based offset into the expression. */
  offset: number;
  /** 1-based line. */
  line: number;
  /** 1-based column (in UTF-16 code units, as editors count them). */
  column: number;
}

export function positionOf(expression: string, offset: number): CelPosition {
  const clamped = Math.max(0, Math.min(offset, expression.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < clamped; i++) {
    if (expression.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset: clamped, line, column: clamped - lineStart + 1 };
}

/** The source line holding `position`, and a caret under the column. */
export function caretLines(expression: string, position: CelPosition): string {
  const lineStart = position.offset - (position.column - 1);
  let lineEnd = expression.indexOf('\n', lineStart);
  if (lineEnd < 0) lineEnd = expression.length;
  const text = expression.slice(lineStart, lineEnd);
  // Keep very long lines readable: show at most 60 characters either side of the caret.
  const from = Math.max(0, position.column - 1 - 60);
  const to = Math.min(text.length, position.column - 1 + 60);
  const prefix = from > 0 ? '…' : '';
  const shown = prefix + text.slice(from, to) + (to < text.length ? '…' : '');
  return ` | ${shown}\n | ${' '.repeat(prefix.length + position.column - 1 - from)}^`;
}

function describe(summary: string, expression: string, position: CelPosition | undefined): string {
  if (!position) return summary;
  return `${position.line}:${position.column}: ${summary}\n${caretLines(expression, position)}`;
}

/** The expression does not parse, does not type-check, or exceeds a compile-time bound. */
export class CelCompileError extends Error {
  override readonly name = 'CelCompileError';
  constructor(
    readonly summary: string,
    readonly expression: string,
    readonly position?: CelPosition,
  ) {
    super(describe(summary, expression, position));
  }
}

/** Evaluation failed: no such key, no matching overload, division by zero, a library function's error, … */
export class CelEvaluationError extends Error {
  override readonly name: string = 'CelEvaluationError';
  constructor(
    readonly summary: string,
    readonly expression: string,
    readonly position?: CelPosition,
  ) {
    super(describe(summary, expression, position));
  }
}

/** Evaluation was stopped because it exceeded its cost budget. */
export class CelCostLimitError extends CelEvaluationError {
  override readonly name = 'CelCostLimitError';
  constructor(
    readonly limit: number,
    expression: string,
    position?: CelPosition,
  ) {
    super(`evaluation cost exceeds the budget of ${limit}`, expression, position);
  }
}
