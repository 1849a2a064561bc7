import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatText } from '../../src/report/text.js';
import { fixtureInput } from './support/fixture.js';
import { render } from './support/render.js';

const ESC = '\u001b';

describe('text formatter', () => {
  const plain = render(formatText, fixtureInput()).text;
  const lines = plain.split('\n');

  it('starts with the tool and inputs and ends with the summary line', () => {
    assert.equal(lines[0], 'gatehouse 0.1.0: manifests, rendered/chart.yaml');
    assert.equal(lines.at(-2), '4 resources (1 without findings), 2 pass, 3 fail (1 critical, 1 high, 1 info), 1 warn, 2 skip, 2 error');
  });

  it('groups findings under each resource with file:line and the Helm template', () => {
    const web = lines.indexOf('Deployment/shop/web  manifests/careless app.yaml:12');
    const db = lines.indexOf('StatefulSet/data/db  rendered/chart.yaml:40 (template mychart/templates/statefulset.yaml)');
    assert.ok(web > 0 && db > web, plain);
    assert.match(lines[db + 1]!, /^ {2}FAIL {3}critical pod-security-restricted\/hostPathVolumes: hostPath volumes \(volume "data"\)$/);
    assert.equal(lines[db + 2], '         fix: Use a PersistentVolumeClaim or emptyDir.');
    assert.equal(lines[db + 3], '         and 1 pass');
  });

  it('orders a resource\'s findings by status then severity, with remediation and the exemption justification', () => {
    const web = lines.indexOf('Deployment/shop/web  manifests/careless app.yaml:12');
    const block = lines.slice(web + 1, web + 7);
    assert.match(block[0]!, /^ {2}ERROR {2}high {5}gatehouse-workload\/image-digest: policy gatehouse-workload failed to evaluate: boom$/);
    assert.match(block[1]!, /^ {2}FAIL {3}high {5}pod-security-restricted\/runAsNonRoot: /);
    assert.equal(block[2], '         fix: Set securityContext.runAsNonRoot: true.');
    assert.match(block[3]!, /^ {2}WARN {3}low {6}gatehouse-workload\/no: /);
    assert.match(block[4]!, /^ {2}SKIP {3}medium {3}gatehouse-workload\/image-digest: exempted \(INC-42: vendor image\)/);
    assert.equal(block[5], '         and 1 pass');
  });

  it('lists input errors, which have no resource, with file:line and message', () => {
    const section = lines.indexOf('Input errors');
    assert.ok(section > 0);
    assert.equal(lines[section + 1], '  ERROR  manifests/broken.yaml:7: YAML: bad indentation of a mapping entry [gatehouse-input/parse-error]');
  });

  it('counts passes and inapplicable skips without listing them', () => {
    assert.doesNotMatch(plain, /ClusterRole/);
    assert.doesNotMatch(plain, /^ {2}PASS/m);
  });

  it('neutralises control characters, escapes and bidi overrides from scanned text', () => {
    assert.ok(!plain.includes(ESC), 'no raw ESC without colour');
    assert.doesNotMatch(plain, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufeff]/);
    const warn = lines.find((l) => l.includes('gatehouse-workload/no:'))!;
    assert.ok(warn.includes('\\u{1b}[31mred\\u{1b}[0m'), warn);
    assert.ok(warn.includes('tab\\there\\nnewline'), 'embedded newlines cannot forge extra lines');
    assert.ok(warn.includes('\\u{202e}evil'));
  });

  it('colours only when asked, and colour does not change the text', () => {
    const coloured = render(formatText, fixtureInput(), { color: true }).text;
    assert.ok(coloured.includes(`${ESC}[31m`));
    // Our own SGR sequences are the only escapes; stripping them gives the plain output back.
    assert.equal(coloured.replace(/\u001b\[[0-9]+m/g, ''), plain);
  });

  it('summarises an empty run and limits a long input list', () => {
    const inputs = Array.from({ length: 14 }, (_, i) => `f${i}.yaml`);
    const out = render(formatText, fixtureInput({ results: [], inputs })).text;
    assert.equal(out, `gatehouse 0.1.0: ${inputs.slice(0, 10).join(', ')} and 4 more\n\n0 resources (0 without findings), 0 pass, 0 fail, 0 warn, 0 skip, 0 error\n`);
  });
});
