// TLS material for tests: one CA per test file and a loopback serving certificate, written to a temp directory
// that the caller removes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCertificateAuthority, type PemKeyPair } from '../../src/tls/certificates.js';

export interface TestTls {
  dir: string;
  ca: string;
  caFile: string;
  server: PemKeyPair;
  serverCertFile: string;
  serverKeyFile: string;
  /** Issues a client certificate (CN = user, O = groups), as the API server maps them. */
  client(user: string, groups?: string[]): Promise<PemKeyPair>;
  cleanup(): void;
}

export async function createTestTls(): Promise<TestTls> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-tls-'));
  const ca = await createCertificateAuthority('Gatehouse Test CA', 2);
  const server = await ca.issue({ commonName: 'localhost', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1', '::1'] });
  const write = (name: string, data: string) => {
    const path = join(dir, name);
    writeFileSync(path, data, { mode: 0o600 });
    return path;
  };
  return {
    dir,
    ca: ca.cert,
    caFile: write('ca.crt', ca.cert),
    server,
    serverCertFile: write('tls.crt', server.cert),
    serverKeyFile: write('tls.key', server.key),
    client: (user, groups = []) => ca.issue({ commonName: user, organization: groups }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
