// A strict parser for the XML subset JUnit reports use (declaration, elements, attributes, text, entity and
// character references). It rejects anything not well-formed — mismatched tags, bare `&` or `<`, characters XML 1.0
// forbids (raw or as references), duplicate attributes, DOCTYPE — so tests can parse output back and trust it.
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: (XmlElement | string)[];
}

const NAME = /^[A-Za-z_:][A-Za-z0-9_:.-]*/;
const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

function checkChars(text: string, where: number): void {
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (!isXmlChar(cp)) throw new Error(`character U+${cp.toString(16)} not allowed in XML 1.0 near offset ${where}`);
  }
}

function decode(raw: string, where: number): string {
  if (raw.includes('<')) throw new Error(`'<' not allowed here near offset ${where}`);
  checkChars(raw, where);
  // End-of-line handling (XML 1.0 §2.11) happens before references are expanded.
  return raw.replace(/\r\n?/g, '\n').replace(/&([^;]*);?/g, (match, ref: string) => {
    if (!match.endsWith(';')) throw new Error(`unterminated reference near offset ${where}`);
    if (ref in PREDEFINED) return PREDEFINED[ref]!;
    const m = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(ref);
    if (!m) throw new Error(`unknown entity &${ref}; near offset ${where}`);
    const cp = m[1] !== undefined ? parseInt(m[1], 16) : parseInt(m[2]!, 10);
    if (!isXmlChar(cp)) throw new Error(`character reference &${ref}; names a character XML 1.0 forbids`);
    return String.fromCodePoint(cp);
  });
}

export function parseXml(text: string): XmlElement {
  let pos = 0;
  const decl = /^<\?xml\s[^?]*\?>/.exec(text);
  if (decl) pos = decl[0].length;
  if (/<!DOCTYPE/i.test(text)) throw new Error('DOCTYPE not accepted');
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (pos < text.length) {
    const lt = text.indexOf('<', pos);
    const chunk = text.slice(pos, lt < 0 ? text.length : lt);
    if (chunk.length > 0) {
      if (chunk.includes(']]>')) throw new Error(`']]>' in text near offset ${pos}`);
      const value = decode(chunk, pos);
      if (stack.length > 0) stack.at(-1)!.children.push(value);
      else if (value.trim() !== '') throw new Error(`text outside the root element near offset ${pos}`);
    }
    if (lt < 0) break;
    pos = lt + 1;
    if (text[pos] === '/') {
      const m = NAME.exec(text.slice(pos + 1));
      const open = stack.pop();
      if (!m || !open || m[0] !== open.name) throw new Error(`mismatched closing tag near offset ${lt}`);
      pos += 1 + m[0].length;
      const end = /^\s*>/.exec(text.slice(pos));
      if (!end) throw new Error(`malformed closing tag near offset ${lt}`);
      pos += end[0].length;
      continue;
    }
    const m = NAME.exec(text.slice(pos));
    if (!m) throw new Error(`malformed tag near offset ${lt}`);
    if (root && stack.length === 0) throw new Error(`second root element near offset ${lt}`);
    const element: XmlElement = { name: m[0], attributes: {}, children: [] };
    pos += m[0].length;
    for (;;) {
      const attr = /^\s+([A-Za-z_:][A-Za-z0-9_:.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(text.slice(pos));
      if (!attr) break;
      const [whole, name, dq, sq] = attr;
      if (name! in element.attributes) throw new Error(`duplicate attribute ${name} near offset ${pos}`);
      // Attribute-value normalisation: literal whitespace characters become spaces; references are kept.
      element.attributes[name!] = decode((dq ?? sq)!.replace(/\r\n?/g, '\n').replace(/[\t\n]/g, ' '), pos);
      pos += whole.length;
    }
    const close = /^\s*(\/?)>/.exec(text.slice(pos));
    if (!close) throw new Error(`malformed tag <${element.name}> near offset ${pos}`);
    pos += close[0].length;
    if (stack.length > 0) stack.at(-1)!.children.push(element);
    else root = element;
    if (close[1] !== '/') stack.push(element);
  }
  if (stack.length > 0) throw new Error(`unclosed element <${stack.at(-1)!.name}>`);
  if (!root) throw new Error('no root element');
  return root;
}

export function childElements(element: XmlElement, name?: string): XmlElement[] {
  return element.children.filter((c): c is XmlElement => typeof c !== 'string' && (name === undefined || c.name === name));
}

export function textOf(element: XmlElement): string {
  return element.children.filter((c): c is string => typeof c === 'string').join('');
}
