// JSON from the network, parsed only after a linear pre-scan has bounded its nesting: a body of a million `[` is
// refused in microseconds instead of reaching the parser and every recursive walker after it.

export class JsonInputError extends Error {
  override name = 'JsonInputError';
}

/** Deepest nesting of `[` and `{` outside strings; stops counting once `limit` is exceeded. */
export function jsonNesting(text: string, limit: number): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      // Jump to the closing quote (one not escaped by an odd run of backslashes): most of a review is strings.
      do {
        i = text.indexOf('"', i + 1);
        if (i < 0) return max;
      } while (escaped(text, i));
    } else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > max && (max = depth) > limit) return max;
    } else if (c === 93 /* ] */ || c === 125 /* } */) {
      depth--;
    }
  }
  return max;
}

/** Whether the character at `i` follows an odd number of backslashes. */
function escaped(text: string, i: number): boolean {
  let backslashes = 0;
  while (text.charCodeAt(i - 1 - backslashes) === 92 /* \ */) backslashes++;
  return backslashes % 2 === 1;
}

/**
 * Whether `text` holds at most `limit` `[` and `{` in all, strings included: then it cannot nest deeper than `limit`.
 * Counting them with indexOf is several times faster than the exact scan, and decides for most requests.
 */
function fewOpeners(text: string, limit: number): boolean {
  let count = 0;
  for (let i = text.indexOf('{'); i >= 0; i = text.indexOf('{', i + 1)) if (++count > limit) return false;
  for (let i = text.indexOf('['); i >= 0; i = text.indexOf('[', i + 1)) if (++count > limit) return false;
  return true;
}

/** Parses `text` as JSON, refusing nesting deeper than `maxDepth`; errors say what was wrong. */
export function parseBoundedJson(text: string, maxDepth: number): unknown {
  if (!fewOpeners(text, maxDepth) && jsonNesting(text, maxDepth) > maxDepth) throw new JsonInputError(`JSON nesting is deeper than ${maxDepth} levels`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new JsonInputError(`not valid JSON: ${(err as Error).message}`);
  }
}
