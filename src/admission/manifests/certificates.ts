// The webhook's serving certificate: generated now (a private CA whose certificate becomes the webhooks'
// caBundle; rotate by generating again — the server reloads a changed Secret without restarting), or issued and
// rotated by cert-manager, which also injects the CA into the webhook configurations.
import type { KubeObject } from '../../kube/object.js';
import { createCertificateAuthority } from '../../tls/certificates.js';
import { labelsOf, serviceHosts, type ManifestOptions } from './options.js';

export interface ServingCertificate {
  objects: KubeObject[];
  secretName: string;
  caBundle?: string;
  certificateName?: string;
}

const VALID_DAYS = 365;

export async function servingCertificate(options: ManifestOptions): Promise<ServingCertificate> {
  const secretName = `${options.name}-tls`;
  const metadata = (name: string) => ({ name, namespace: options.namespace, labels: labelsOf(options) });
  if (options.certificates === 'cert-manager') {
    const caName = `${options.name}-ca`;
    const objects: KubeObject[] = [
      { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: metadata(`${options.name}-selfsigned`), spec: { selfSigned: {} } },
      {
        apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: metadata(caName),
        spec: { isCA: true, commonName: `${options.name} CA`, secretName: caName, privateKey: { algorithm: 'ECDSA', size: 256 }, issuerRef: { name: `${options.name}-selfsigned`, kind: 'Issuer' } },
      },
      { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: metadata(caName), spec: { ca: { secretName: caName } } },
      {
        apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: metadata(options.name),
        spec: { secretName, dnsNames: serviceHosts(options), privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' }, issuerRef: { name: caName, kind: 'Issuer' } },
      },
    ];
    return { objects, secretName, certificateName: options.name };
  }
  const ca = await createCertificateAuthority(`${options.name} CA`, VALID_DAYS);
  const serving = await ca.issue({ commonName: serviceHosts(options)[0]!, dnsNames: serviceHosts(options), validDays: VALID_DAYS });
  const secret: KubeObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: metadata(secretName),
    type: 'kubernetes.io/tls',
    data: {
      'tls.crt': Buffer.from(serving.cert).toString('base64'),
      'tls.key': Buffer.from(serving.key).toString('base64'),
      'ca.crt': Buffer.from(ca.cert).toString('base64'),
    },
  };
  return { objects: [secret], secretName, caBundle: Buffer.from(ca.cert).toString('base64') };
}
