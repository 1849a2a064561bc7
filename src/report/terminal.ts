// Terminal safety and colour for the text format. Names, annotations and messages come from the scanned files, so
// they must not be able to move the cursor, recolour the screen, forge extra lines, reorder text (bidi controls)
// or hide text (zero-width characters).
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff]/g;

const NAMED_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => NAMED_ESCAPES[c] ?? `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

type Paint = (text: string) => string;

export interface Palette {
  bold: Paint;
  dim: Paint;
  red: Paint;
  yellow: Paint;
  magenta: Paint;
  cyan: Paint;
  green: Paint;
}

function sgr(open: number, close: number): Paint {
  return (text) => `\u001b[${open}m${text}\u001b[${close}m`;
}

const identity: Paint = (text) => text;

export function palette(color: boolean): Palette {
  if (!color) return { bold: identity, dim: identity, red: identity, yellow: identity, magenta: identity, cyan: identity, green: identity };
  return { bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), yellow: sgr(33, 39), magenta: sgr(35, 39), cyan: sgr(36, 39), green: sgr(32, 39) };
}
