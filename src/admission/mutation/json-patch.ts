// The subset of RFC 6902 JSON Patch that mutation emits: `add` operations, with RFC 6901 pointers.

export interface AddOperation {
  op: 'add';
  path: string;
  value: unknown;
}

/** An RFC 6901 JSON Pointer for a path of keys and indexes; `-` appends to an array. */
export function pointer(path: readonly (string | number)[]): string {
  return path.map((segment) => `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** A JSON Patch document as the `patch` field of an AdmissionResponse carries it (base64). */
export function encodePatch(operations: readonly AddOperation[]): string {
  return Buffer.from(JSON.stringify(operations)).toString('base64');
}
