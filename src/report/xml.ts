// XML 1.0 escaping for JUnit. Characters XML 1.0 cannot carry at all (most C0 controls, U+FFFE/U+FFFF, unpaired
// surrogates — not even as character references) are written as visible `\u{…}` text so the document stays
// well-formed and the reader still sees that something was there.
const NOT_XML_CHAR = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const TEXT_SPECIAL = /[&<>\r]/g;
const ATTRIBUTE_SPECIAL = /[&<>"'\t\n\r]/g;
const REFERENCES: Record<string, string> = {
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;',
};

function visible(c: string): string {
  return `\\u{${c.charCodeAt(0).toString(16)}}`;
}

/** Carriage returns become references because parsers turn raw ones into line feeds. */
export function xmlText(text: string): string {
  return text.replace(NOT_XML_CHAR, visible).replace(TEXT_SPECIAL, (c) => REFERENCES[c]!);
}

/** Attribute values also keep tabs and line breaks, which attribute-value normalisation would turn into spaces. */
export function xmlAttribute(text: string): string {
  return text.replace(NOT_XML_CHAR, visible).replace(ATTRIBUTE_SPECIAL, (c) => REFERENCES[c]!);
}

export function xmlAttributes(attributes: Record<string, string | number | undefined>): string {
  return Object.entries(attributes)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${xmlAttribute(String(value))}"`)
    .join('');
}
