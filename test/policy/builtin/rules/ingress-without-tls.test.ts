import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, ingress, outcomesOf, pod } from '../support.js';

const rule = 'ingress-without-tls';

describe('ingress-without-tls', () => {
  it('fails an Ingress without spec.tls', () => {
    assert.deepEqual(outcomesOf(rule, ingress({ rules: [{ host: 'shop.example.com' }] })), [
      { result: 'fail', message: 'spec.tls is not set, so every host is served over plain HTTP' },
    ]);
  });

  it('passes when every host is covered, wildcards matching one label, case-insensitively', () => {
    const spec = {
      tls: [{ hosts: ['shop.example.com'], secretName: 'shop' }, { hosts: ['*.api.example.com'], secretName: 'api' }],
      rules: [{ host: 'Shop.Example.com' }, { host: 'v1.api.example.com' }, { host: '*.api.example.com' }],
    };
    assert.deepEqual(outcomesOf(rule, ingress(spec)), [{ result: 'pass', message: 'every host is covered by spec.tls' }]);
  });

  it('fails hosts not covered by any tls entry', () => {
    const spec = {
      tls: [{ hosts: ['*.example.com'], secretName: 'wild' }],
      rules: [{ host: 'a.example.com' }, { host: 'a.b.example.com' }, { host: 'example.com' }, {}],
    };
    const outcomes = evaluate(ingress(spec)).filter((o) => o.rule === rule);
    assert.deepEqual(outcomes.map((o) => [o.message, o.properties?.path]), [
      ['host "a.b.example.com" (spec.rules[1].host) is not covered by any spec.tls hosts entry, so it is served over plain HTTP', 'spec.rules[1].host'],
      ['host "example.com" (spec.rules[2].host) is not covered by any spec.tls hosts entry, so it is served over plain HTTP', 'spec.rules[2].host'],
      ['spec.rules[3] has no host, so it answers for any host, and no spec.tls entry without hosts covers it', 'spec.rules[3]'],
    ]);
  });

  it('treats a tls entry without hosts as covering every host', () => {
    assert.equal(outcomesOf(rule, ingress({ tls: [{ secretName: 'default' }], rules: [{ host: 'x.example.org' }, {}] }))[0]!.result, 'pass');
    assert.equal(outcomesOf(rule, ingress({ tls: [{ secretName: 'default' }], defaultBackend: { service: { name: 'web', port: { number: 80 } } } }))[0]!.result, 'pass');
  });

  it('applies to the legacy extensions/v1beta1 Ingress too', () => {
    const legacy = { ...ingress({ rules: [{ host: 'a.example.com' }] }), apiVersion: 'extensions/v1beta1' };
    assert.equal(outcomesOf(rule, legacy)[0]!.result, 'fail');
  });

  it('does not apply to workloads', () => {
    assert.deepEqual(outcomesOf(rule, pod()), []);
  });
});
