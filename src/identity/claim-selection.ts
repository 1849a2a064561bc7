// Most claim mappings only pick claims out and join them with fixed text: `claims.repository`,
// `'github:' + claims.repository_owner`, `claims.?environment.orValue('')`, `claims.repository_owner == 'org'`, a
// list of such strings. Those shapes are recognised in the expression's source and read straight from the claims,
// without the CEL interpreter, when every claim they touch is a string (or, after `.?`, absent). Anything else —
// a missing claim, a number, a list — answers NOT_SELECTED and the caller evaluates the expression with CEL, which
// produces exactly the value or error it always would: the shortcut only ever takes the all-strings path, where
// the two agree by construction.
//
// Recognised (with CEL whitespace between tokens; string literals without escapes, quotes or line breaks):
//   expression := sum | sum ('==' | '!=') sum | '[' (sum (',' sum)*)? ']'
//   sum        := operand ('+' operand)*
//   operand    := 'text' | "text" | claims.name | claims.?name.orValue('text')
//
// The CEL cost budget never comes into play: each `+` or `==` is charged a tenth of its operands' lengths, so with
// at most MAX_OPERANDS operands, claims of at most MAX_CLAIM_CHARS (longer ones go to CEL) and literals bounded by
// the expression's length (100,000), an evaluation costs under 16 × (100,000 + 16 × 16,384) / 10 ≈ 580,000 of the
// 1,000,000 budget.

const MAX_OPERANDS = 16;
const MAX_CLAIM_CHARS = 16 * 1024;

export const NOT_SELECTED: unique symbol = Symbol('not selected');

type Claims = Readonly<Record<string, unknown>>;
/** A string read from the claims, or NOT_SELECTED when CEL must decide. */
type StringPart = (claims: Claims) => string | typeof NOT_SELECTED;
export type ClaimSelection = (claims: Claims) => unknown;

// CEL's reserved words cannot name a field; leaving them to CEL keeps the recogniser from guessing.
const RESERVED = new Set([
  'true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let',
  'loop', 'namespace', 'package', 'return', 'var', 'void', 'while',
]);
const TOKEN = /[ \t\n\f\r]*(?:([A-Za-z_][A-Za-z0-9_]*)|'([^'\\\r\n]*)'|"([^"\\\r\n]*)"|(\.\?|==|!=|[.+,()[\]]))/y;
const TRAILING_SPACE = /^[ \t\n\f\r]*$/;

interface Token {
  name?: string;
  text?: string;
  punct?: string;
}

function tokenize(source: string): Token[] | undefined {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < source.length) {
    const start = TOKEN.lastIndex;
    const m = TOKEN.exec(source);
    if (!m) return TRAILING_SPACE.test(source.slice(start)) ? tokens : undefined;
    if (m[1] !== undefined) tokens.push({ name: m[1] });
    else if (m[2] !== undefined || m[3] !== undefined) tokens.push({ text: m[2] ?? m[3]! });
    else tokens.push({ punct: m[4]! });
  }
  return tokens;
}

function ownValue(claims: Claims, name: string): unknown {
  return Object.hasOwn(claims, name) ? claims[name] : undefined;
}

class Reader {
  private i = 0;
  operands = 0;
  constructor(private readonly tokens: Token[]) {}

  get done(): boolean {
    return this.i === this.tokens.length;
  }

  punct(p: string): boolean {
    if (this.tokens[this.i]?.punct !== p) return false;
    this.i++;
    return true;
  }

  private name(): string | undefined {
    const name = this.tokens[this.i]?.name;
    if (name === undefined || RESERVED.has(name)) return undefined;
    this.i++;
    return name;
  }

  private text(): string | undefined {
    const text = this.tokens[this.i]?.text;
    if (text !== undefined) this.i++;
    return text;
  }

  operand(): StringPart | undefined {
    this.operands++;
    const literal = this.text();
    if (literal !== undefined) return () => literal;
    if (this.name() !== 'claims') return undefined;
    if (this.punct('.')) {
      const claim = this.name();
      if (claim === undefined) return undefined;
      return (claims) => {
        const value = ownValue(claims, claim);
        return typeof value === 'string' && value.length <= MAX_CLAIM_CHARS ? value : NOT_SELECTED;
      };
    }
    if (!this.punct('.?')) return undefined;
    const claim = this.name();
    if (claim === undefined || !this.punct('.') || this.name() !== 'orValue' || !this.punct('(')) return undefined;
    const fallback = this.text();
    if (fallback === undefined || !this.punct(')')) return undefined;
    return (claims) => {
      // CEL drops null claims, so `.?` sees them as absent.
      const value = ownValue(claims, claim);
      if (value === undefined || value === null) return fallback;
      return typeof value === 'string' && value.length <= MAX_CLAIM_CHARS ? value : NOT_SELECTED;
    };
  }

  /** operand ('+' operand)*: string concatenation once every operand is a string. */
  sum(): StringPart | undefined {
    const parts: StringPart[] = [];
    do {
      const part = this.operand();
      if (!part) return undefined;
      parts.push(part);
    } while (this.punct('+'));
    if (parts.length === 1) return parts[0];
    return (claims) => {
      let out = '';
      for (const part of parts) {
        const value = part(claims);
        if (value === NOT_SELECTED) return NOT_SELECTED;
        out += value;
      }
      return out;
    };
  }
}

function list(reader: Reader): ClaimSelection | undefined {
  const items: StringPart[] = [];
  if (!reader.punct(']')) {
    do {
      const item = reader.sum();
      if (!item) return undefined;
      items.push(item);
    } while (reader.punct(','));
    if (!reader.punct(']')) return undefined;
  }
  return (claims) => {
    const out: string[] = [];
    for (const item of items) {
      const value = item(claims);
      if (value === NOT_SELECTED) return NOT_SELECTED;
      out.push(value);
    }
    return out;
  };
}

function comparison(left: StringPart, reader: Reader): ClaimSelection | undefined {
  const equal = reader.punct('==');
  if (!equal && !reader.punct('!=')) return undefined;
  const right = reader.sum();
  if (!right) return undefined;
  return (claims) => {
    const a = left(claims);
    if (a === NOT_SELECTED) return NOT_SELECTED;
    const b = right(claims);
    if (b === NOT_SELECTED) return NOT_SELECTED;
    return (a === b) === equal;
  };
}

/** The direct reading of `source`, or undefined when it is not one of the shapes above (CEL evaluates it). */
export function compileClaimSelection(source: string): ClaimSelection | undefined {
  const tokens = tokenize(source);
  if (!tokens || tokens.length === 0) return undefined;
  const reader = new Reader(tokens);
  let selection: ClaimSelection | undefined;
  if (reader.punct('[')) selection = list(reader);
  else {
    const sum = reader.sum();
    selection = sum && (reader.done ? sum : comparison(sum, reader));
  }
  return selection && reader.done && reader.operands <= MAX_OPERANDS ? selection : undefined;
}
