import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/config/config-error.js';
import { loadScanConfiguration, readScanConfiguration, type KnownRule } from '../../src/config/scan-configuration.js';
import { parseConfigText } from '../../src/config/load.js';
import { builtinRuleCatalog, createBuiltinPolicy } from '../../src/policy/builtin/policy.js';
import { EXEMPTION_RULES, PolicyEngine } from '../../src/policy/engine.js';
import { EXEMPTIONS_POLICY } from '../../src/policy/exemptions.js';

const KNOWN: KnownRule[] = [
  ...builtinRuleCatalog(),
  ...EXEMPTION_RULES.map((rule) => ({ policy: EXEMPTIONS_POLICY, rule })),
  { policy: 'pod-security-restricted', rule: { id: 'runAsNonRoot' } },
];

const FULL = `
apiVersion: gatehouse.dev/v1alpha1
kind: ScanConfiguration
metadata:
  name: ci
  labels: { team: platform }
pss: restricted:v1.30
failOn: medium
rules:
  disabled:
    - default-namespace
    - gatehouse-builtin/image-not-pinned-by-digest
  severity:
    image-latest-tag: high
    pod-security-restricted/runAsNonRoot: critical
registries:
  allowed:
    - ghcr.io/acme
    - registry.internal:5000
labels:
  required:
    - app.kubernetes.io/name
    - owner
`;

function load(text: string) {
  return readScanConfiguration(parseConfigText(text, 'gatehouse.yaml'), 'gatehouse.yaml', KNOWN);
}

function errorsOf(text: string): string[] {
  try {
    load(text);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.message.split('\n');
  }
  assert.fail('expected a ConfigError');
}

const HEADER = 'apiVersion: gatehouse.dev/v1alpha1\nkind: ScanConfiguration\n';

describe('ScanConfiguration', () => {
  it('reads a full configuration into engine settings, builtin options and defaults', () => {
    const config = load(FULL);
    assert.equal(config.name, 'ci');
    assert.equal(config.pss, 'restricted:v1.30');
    assert.equal(config.failOn, 'medium');
    assert.deepEqual([...config.ruleSettings.disabled!], ['default-namespace', 'gatehouse-builtin/image-not-pinned-by-digest']);
    assert.deepEqual([...config.ruleSettings.severity!], [['image-latest-tag', 'high'], ['pod-security-restricted/runAsNonRoot', 'critical']]);
    assert.deepEqual(config.builtin, { allowedRegistries: ['ghcr.io/acme', 'registry.internal:5000'], requiredLabels: ['app.kubernetes.io/name', 'owner'] });
  });

  it('drives the built-in policy through the engine', async () => {
    const config = load(FULL);
    const engine = new PolicyEngine([createBuiltinPolicy(config.builtin)], config.ruleSettings);
    const object = {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', labels: { 'app.kubernetes.io/name': 'p' } },
      spec: { containers: [{ name: 'app', image: 'nginx:latest' }] },
    };
    const results = await engine.evaluate({ object, operation: 'CREATE' });
    const byRule = (rule: string) => results.filter((r) => r.rule === rule);
    assert.equal(byRule('default-namespace').length, 0);
    assert.equal(byRule('image-not-pinned-by-digest').length, 0);
    assert.equal(byRule('image-latest-tag')[0]!.severity, 'high');
    assert.equal(byRule('image-registry-not-allowed')[0]!.result, 'fail');
    assert.deepEqual(byRule('required-labels').map((r) => r.message), ['label "owner" is missing from metadata.labels']);
  });

  it('accepts a minimal configuration', () => {
    assert.deepEqual(load(HEADER), { ruleSettings: {}, builtin: {} });
    assert.deepEqual(load(`${HEADER}rules:\nregistries:\n`), { ruleSettings: {}, builtin: {} });
  });

  it('reports every problem at once, each with file and field path', () => {
    const text = `apiVersion: gatehouse.dev/v1
kind: ScanConfiguration
metadata:
  name: ci
  namespace: x
pss: restricted:1.30
failOn: urgent
rules:
  disabled: [default-namespace, no-such-rule, default-namespace, gatehouse-builtin/nope]
  severity:
    foo: high
    image-latest-tag: urgent
    gatehouse-builtin/secret-in-env: 3
  enabled: [x]
registries:
  allowed: [ghcr.io/acme, nginx, "quay.io/*"]
labels:
  required: [owner, "Bad Key", owner]
extra: true
`;
    assert.deepEqual(errorsOf(text), [
      'gatehouse.yaml: apiVersion: must be "gatehouse.dev/v1alpha1" (got "gatehouse.dev/v1")',
      'gatehouse.yaml: metadata.namespace: unknown field (known fields: name, labels, annotations)',
      'gatehouse.yaml: pss: invalid Pod Security Standards selector "restricted:1.30": bad version "1.30"; expected baseline or restricted, optionally with :v1.N or :latest (e.g. restricted:v1.30), or none',
      'gatehouse.yaml: failOn: must be one of none, info, low, medium, high, critical (got "urgent")',
      'gatehouse.yaml: rules.disabled[1]: unknown rule "no-such-rule"',
      'gatehouse.yaml: rules.disabled[2]: duplicate of rules.disabled[0]',
      'gatehouse.yaml: rules.disabled[3]: unknown rule "gatehouse-builtin/nope"',
      'gatehouse.yaml: rules.severity.foo: unknown rule "foo"',
      'gatehouse.yaml: rules.severity.image-latest-tag: must be one of info, low, medium, high, critical (got "urgent")',
      'gatehouse.yaml: rules.severity.gatehouse-builtin/secret-in-env: must be a string (got a number)',
      'gatehouse.yaml: rules.enabled: unknown field (known fields: disabled, severity)',
      'gatehouse.yaml: registries.allowed[1]: "nginx" does not start with a registry host; for Docker Hub write docker.io/library/nginx',
      'gatehouse.yaml: registries.allowed[2]: "quay.io/*" wildcards are not supported; a prefix already covers everything below it',
      'gatehouse.yaml: labels.required[1]: "Bad Key" is not a valid label key: the name must be 1–63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit',
      'gatehouse.yaml: labels.required[2]: duplicate of labels.required[0]',
      'gatehouse.yaml: extra: unknown field (known fields: apiVersion, kind, metadata, pss, failOn, rules, registries, labels)',
    ]);
  });

  it('checks the header and the shapes of sections', () => {
    assert.deepEqual(errorsOf('apiVersion: gatehouse.dev/v1alpha1\nkind: ProxyConfiguration\nrules: []\nregistries:\n  allowed: []\nlabels:\n  required: ghcr.io\n'), [
      'gatehouse.yaml: kind: must be "ScanConfiguration" (got "ProxyConfiguration")',
      'gatehouse.yaml: rules: must be a mapping (got a list)',
      'gatehouse.yaml: registries.allowed: must list at least one registry; remove registries.allowed to leave the rule unconfigured',
      'gatehouse.yaml: labels.required: must be a list (got a string)',
    ]);
    assert.deepEqual(errorsOf(`${HEADER}labels:\n  required: []\n`), [
      'gatehouse.yaml: labels.required: must list at least one label key; to turn the check off, add required-labels to rules.disabled',
    ]);
  });

  it('accepts every pss selector form and failOn value', () => {
    for (const pss of ['none', 'privileged', 'baseline', 'restricted', 'baseline:latest', 'restricted:v1.0', 'restricted:v1.33']) {
      assert.equal(load(`${HEADER}pss: ${pss}\n`).pss, pss);
    }
    for (const pss of ['restricted:', 'restricted:v2.0', 'Restricted', 'restricted:v1.30:latest']) {
      assert.match(errorsOf(`${HEADER}pss: "${pss}"\n`)[0]!, /^gatehouse\.yaml: pss: invalid Pod Security Standards selector /);
    }
    for (const failOn of ['none', 'info', 'low', 'medium', 'high', 'critical']) assert.equal(load(`${HEADER}failOn: ${failOn}\n`).failOn, failOn);
    assert.deepEqual(errorsOf(`${HEADER}failOn: High\n`), ['gatehouse.yaml: failOn: must be one of none, info, low, medium, high, critical (got "High")']);
  });

  it('knows only the rules it is given', () => {
    const text = `${HEADER}rules:\n  disabled: [runAsNonRoot, pod-security-baseline/runAsNonRoot, exemption-names-unknown-rule]\n`;
    assert.deepEqual(errorsOf(text), ['gatehouse.yaml: rules.disabled[1]: unknown rule "pod-security-baseline/runAsNonRoot"']);
  });

  it('rejects a document that is not a mapping', () => {
    assert.throws(() => readScanConfiguration(['x'], 'c.yaml', KNOWN), { message: 'c.yaml: must be a mapping (got a list)' });
  });

  describe('from a file', () => {
    let dir: string;
    before(() => { dir = mkdtempSync(join(tmpdir(), 'gatehouse-config-')); });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('loads a file', async () => {
      const file = join(dir, 'gatehouse.yaml');
      writeFileSync(file, FULL);
      assert.equal((await loadScanConfiguration(file, KNOWN)).failOn, 'medium');
    });

    it('names the file it cannot read', async () => {
      const file = join(dir, 'missing.yaml');
      await assert.rejects(loadScanConfiguration(file, KNOWN), (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot read: .*ENOENT`));
        return true;
      });
    });
  });
});
