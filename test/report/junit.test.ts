import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { formatJunit } from '../../src/report/junit.js';
import { HOSTILE, RESULTS, fixtureInput } from './support/fixture.js';
import { render } from './support/render.js';
import { childElements, parseXml, textOf } from './support/xml-parse.js';

const pythonAvailable = spawnSync('python3', ['-c', 'import xml.dom.minidom'], { stdio: 'ignore' }).status === 0;

describe('junit formatter', () => {
  const { text } = render(formatJunit, fixtureInput());
  const root = parseXml(text);

  it('is well-formed XML with totals on testsuites', () => {
    assert.ok(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n'));
    assert.equal(root.name, 'testsuites');
    assert.deepEqual(root.attributes, { name: 'gatehouse', tests: '10', failures: '3', errors: '2', skipped: '2', time: '0', timestamp: '2025-01-02T03:04:05' });
  });

  it('has one testsuite per policy with its own counts', () => {
    const suites = childElements(root, 'testsuite');
    assert.deepEqual(suites.map((s) => s.attributes.name), ['pod-security-restricted', 'gatehouse-workload', 'gatehouse-input']);
    assert.deepEqual(suites.map((s) => [s.attributes.tests, s.attributes.failures, s.attributes.errors, s.attributes.skipped]),
      [['5', '2', '0', '1'], ['4', '1', '1', '1'], ['1', '0', '1', '0']]);
    const total = suites.reduce((n, s) => n + childElements(s, 'testcase').length, 0);
    assert.equal(total, RESULTS.length);
  });

  it('maps each result to a testcase per resource and rule', () => {
    const [restricted, workload, input] = childElements(root, 'testsuite');
    const [nonRoot, pass, helm] = childElements(restricted!, 'testcase');
    assert.deepEqual(nonRoot!.attributes, { name: 'runAsNonRoot', classname: 'Deployment/shop/web', file: 'manifests/careless app.yaml', line: '12', time: '0' });
    const failure = childElements(nonRoot!, 'failure')[0]!;
    assert.equal(failure.attributes.type, 'high');
    assert.equal(failure.attributes.message, 'pod or container "app" must set securityContext.runAsNonRoot=true');
    assert.match(textOf(failure), /remediation: Set securityContext.runAsNonRoot: true\./);
    assert.equal(pass!.children.length, 0);
    assert.match(textOf(childElements(helm!, 'failure')[0]!), /source: rendered\/chart.yaml:40 \(Helm template mychart\/templates\/statefulset\.yaml\)/);
    const [skipped, warn] = childElements(workload!, 'testcase');
    assert.match(childElements(skipped!, 'skipped')[0]!.attributes.message!, /^exempted \(INC-42: vendor image\)/);
    assert.equal(childElements(warn!, 'failure').length, 0, 'a warning does not fail the build');
    assert.match(textOf(childElements(warn!, 'system-out')[0]!), /^WARNING: /);
    const parseError = childElements(input!, 'testcase')[0]!;
    assert.equal(parseError.attributes.classname, 'manifests/broken.yaml');
    assert.equal(childElements(parseError, 'error')[0]!.attributes.message, 'YAML: bad indentation of a mapping entry');
  });

  it('escapes markup, quotes, line breaks and characters XML cannot carry', () => {
    const warn = childElements(childElements(root, 'testsuite')[1]!, 'testcase')[1]!;
    const body = textOf(childElements(warn, 'system-out')[0]!);
    const expected = HOSTILE.replace(/[\u0001\u0008\u001b\ud800]/g, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`);
    assert.ok(body.startsWith(`WARNING: ${expected}\n`), body);
    const hostileAttr = render(formatJunit, fixtureInput({ results: [{ ...RESULTS[0]!, result: 'fail', message: HOSTILE }] })).text;
    const failure = childElements(childElements(childElements(parseXml(hostileAttr), 'testsuite')[0]!, 'testcase')[0]!, 'failure')[0]!;
    assert.equal(failure.attributes.message, expected, 'attribute keeps tabs and newlines');
  });

  it('is accepted by a conformant XML parser (expat)', { skip: pythonAvailable ? false : 'python3 not installed; strict in-test parser still applies' }, () => {
    const check = spawnSync('python3', ['-c', [
      'import sys, xml.dom.minidom',
      'd = xml.dom.minidom.parseString(sys.stdin.buffer.read())',
      'print(len(d.getElementsByTagName("testcase")))',
    ].join('\n')], { input: text, encoding: 'utf8' });
    assert.equal(check.status, 0, check.stderr);
    assert.equal(check.stdout.trim(), String(RESULTS.length));
  });

  it('writes an empty but valid report for no results', () => {
    const empty = parseXml(render(formatJunit, fixtureInput({ results: [] })).text);
    assert.equal(empty.attributes.tests, '0');
    assert.equal(childElements(empty).length, 0);
  });
});
