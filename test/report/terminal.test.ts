import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { palette, printable } from '../../src/report/terminal.js';

describe('terminal text', () => {
  it('leaves ordinary text, including non-Latin scripts and emoji, alone', () => {
    const text = 'Deployment/shop/web: naïve 日本語 🚀 "quoted" <tag>';
    assert.equal(printable(text), text);
  });

  it('makes every C0/C1 control, bidi control and zero-width character visible', () => {
    assert.equal(printable('a\u001b[2Jb'), 'a\\u{1b}[2Jb');
    assert.equal(printable('x\ny\rz\tw'), 'x\\ny\\rz\\tw');
    assert.equal(printable('\u009b31m'), '\\u{9b}31m');
    assert.equal(printable('\u202eevil\u2066'), '\\u{202e}evil\\u{2066}');
    assert.equal(printable('zero\u200bwidth\ufeff'), 'zero\\u{200b}width\\u{feff}');
    for (let c = 0; c < 0x20; c++) assert.doesNotMatch(printable(String.fromCharCode(c)), /[\u0000-\u001f]/);
  });

  it('paints only with colour on', () => {
    assert.equal(palette(false).red('x'), 'x');
    assert.equal(palette(true).red('x'), '\u001b[31mx\u001b[39m');
  });
});
