// The API discovery documents of a cluster that serves the Policy Reports CRDs, so a real `kubectl` can map and
// decode our report stream (`kubectl create --dry-run=client`) without a cluster. Listens on a loopback port it picks.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const verbs = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
const GROUP_VERSION = 'wgpolicyk8s.io/v1alpha2';

const DOCUMENTS: Record<string, unknown> = {
  '/api': { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] },
  '/api/v1': { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'v1', resources: [
    { name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace', verbs }] },
  '/apis': { kind: 'APIGroupList', apiVersion: 'v1', groups: [{ name: 'wgpolicyk8s.io',
    versions: [{ groupVersion: GROUP_VERSION, version: 'v1alpha2' }], preferredVersion: { groupVersion: GROUP_VERSION, version: 'v1alpha2' } }] },
  [`/apis/${GROUP_VERSION}`]: { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: GROUP_VERSION, resources: [
    { name: 'policyreports', singularName: 'policyreport', namespaced: true, kind: 'PolicyReport', verbs, shortNames: ['polr'] },
    { name: 'clusterpolicyreports', singularName: 'clusterpolicyreport', namespaced: false, kind: 'ClusterPolicyReport', verbs, shortNames: ['cpolr'] }] },
};

export async function startFakeDiscovery(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const doc = DOCUMENTS[(req.url ?? '').split('?')[0]!];
    res.writeHead(doc ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(doc ?? { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}
