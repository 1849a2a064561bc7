// Seed 004 ("encrypt everything"): an Ingress without TLS serves its hosts over plain HTTP, so credentials and
// authentication cookies cross the network readable. Every host of spec.rules must be covered by a spec.tls entry;
// "*.example.com" covers exactly one label. A tls entry without hosts uses the controller's default certificate
// for any host, and is the only thing that covers a rule without a host.
import { asRecord } from '../../../kube/pod-template.js';
import { failed, verdict, type Finding } from '../findings.js';
import type { BuiltinRule } from '../rule.js';

const ID = 'ingress-without-tls';

export const ingressWithoutTls: BuiltinRule = {
  id: ID,
  severity: 'high',
  category: 'Network exposure',
  seed: '004',
  description: 'Ingress hosts served without TLS send credentials and data over the network in clear text.',
  remediation: 'Add a spec.tls entry (hosts + secretName) covering every host in spec.rules, e.g. with a certificate from cert-manager.',
  appliesTo: ['ingress'],
  check(subject) {
    if (subject.type !== 'ingress') return [];
    const spec = asRecord(subject.object.spec) ?? {};
    const tls = Array.isArray(spec.tls) ? spec.tls.map((t: unknown) => asRecord(t)).filter((t) => t !== undefined) : [];
    if (tls.length === 0) return failed(ID, [{ path: 'spec.tls', message: 'spec.tls is not set, so every host is served over plain HTTP' }]);
    const tlsHosts = tls.flatMap((t) => (Array.isArray(t.hosts) ? t.hosts.filter((h): h is string => typeof h === 'string') : []));
    const catchAll = tls.some((t) => !Array.isArray(t.hosts) || t.hosts.length === 0);
    const findings: Finding[] = [];
    const rules = Array.isArray(spec.rules) ? spec.rules : [];
    rules.forEach((item: unknown, index: number) => {
      const host = asRecord(item)?.host;
      if (typeof host === 'string' && host !== '') {
        if (!catchAll && !tlsHosts.some((pattern) => covers(pattern, host))) {
          findings.push({ path: `spec.rules[${index}].host`, message: `host "${host}" (spec.rules[${index}].host) is not covered by any spec.tls hosts entry, so it is served over plain HTTP` });
        }
      } else if (!catchAll) {
        findings.push({ path: `spec.rules[${index}]`, message: `spec.rules[${index}] has no host, so it answers for any host, and no spec.tls entry without hosts covers it` });
      }
    });
    return verdict(ID, findings, 'every host is covered by spec.tls');
  },
};

function covers(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (p === h) return true;
  if (!p.startsWith('*.') || h.startsWith('*.')) return false;
  const dot = h.indexOf('.');
  return dot > 0 && h.slice(dot) === p.slice(1);
}
