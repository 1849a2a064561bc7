// `has(e.f)` where `e` is any expression — a call, an index, a literal — as the CEL spec and cel-go allow; the
// evaluator only accepts a chain of selections that starts at a variable (`has(a.b.c)`), and rejects e.g.
// `has(image.GetMetadata(ref).manifest.annotations)` at compile time. Its evaluation already works for any start.
import { walk, type AstNode } from './instrument.js';

interface HasMacro {
  args: AstNode[];
  macroHasProps?: AstNode[];
  typeCheck(checker: Checker, macro: HasMacro, ctx: unknown): unknown;
}

interface Checker {
  check(node: AstNode, ctx: unknown): unknown;
  getType(name: string): unknown;
  createError(code: string, message: string, node: AstNode): Error;
}

/** Call after parsing, before type-checking. */
export function allowAnyHasReceiver(root: unknown): void {
  walk(root, (node) => {
    const macro = node.meta.macro as HasMacro | undefined;
    if (node.op !== 'call' || (node.args as unknown[])[0] !== 'has' || !macro || typeof macro.typeCheck !== 'function') return;
    macro.typeCheck = checkHas;
  });
}

function checkHas(checker: Checker, macro: HasMacro, ctx: unknown): unknown {
  let node = macro.args[0]!;
  if (node.op !== '.') throw checker.createError('invalid_macro_argument', 'has() invalid argument', node);
  if (!macro.macroHasProps) {
    // The selections from the outermost in, then the expression they start from (evaluated as it is).
    const props: AstNode[] = [];
    while (node.op === '.' || node.op === '.?') {
      props.push(node);
      node = (node.args as AstNode[])[0]!;
    }
    checker.check(node, ctx);
    props.push(node);
    macro.macroHasProps = props;
  }
  return checker.getType('bool');
}
