import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { xmlAttribute, xmlAttributes, xmlText } from '../../src/report/xml.js';
import { parseXml, textOf } from './support/xml-parse.js';

/** Every UTF-16 code unit 0..0xFFFF plus an astral pair, so escaping is checked exhaustively. */
function everyCodeUnit(): string {
  let s = '';
  for (let c = 0; c <= 0xffff; c++) s += String.fromCharCode(c);
  return `${s}\ud83d\ude80`;
}

describe('xml escaping', () => {
  it('escapes the five specials and keeps whitespace in attributes as references', () => {
    assert.equal(xmlText('a<b>&"\'\r\n'), 'a&lt;b&gt;&amp;"\'&#13;\n');
    assert.equal(xmlAttribute('a<b>&"\'\t\n\r'), 'a&lt;b&gt;&amp;&quot;&apos;&#9;&#10;&#13;');
    assert.equal(xmlAttributes({ a: 'x', b: undefined, c: 3 }), ' a="x" c="3"');
  });

  it('writes characters XML 1.0 forbids as visible text', () => {
    assert.equal(xmlText('\u0000\u001b\ufffe\ud800x\udc00'), '\\u{0}\\u{1b}\\u{fffe}\\u{d800}x\\u{dc00}');
    assert.equal(xmlText('\ud83d\ude80'), '\ud83d\ude80', 'paired surrogates are a valid character');
  });

  it('yields well-formed XML for every possible code unit, in text and attributes', () => {
    const all = everyCodeUnit();
    const doc = `<r a="${xmlAttribute(all)}">${xmlText(all)}</r>`;
    const root = parseXml(doc);
    const expected = all.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
      (c) => `\\u{${c.charCodeAt(0).toString(16)}}`);
    assert.equal(textOf(root), expected);
    assert.equal(root.attributes.a, expected, 'attribute values survive normalisation, tabs and line breaks included');
  });

  it('parser rejects what is not well-formed', () => {
    assert.throws(() => parseXml('<r>\u0001</r>'));
    assert.throws(() => parseXml('<r>&#1;</r>'));
    assert.throws(() => parseXml('<r>a & b</r>'));
    assert.throws(() => parseXml('<r><a></r></a>'));
    assert.throws(() => parseXml('<r a="1" a="2"/>'));
    assert.throws(() => parseXml('<r>]]></r>'));
  });
});
