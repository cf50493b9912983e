import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TestCertificates {
  /** The CA that signed the server certificate. */
  ca: string;
  /** Another CA, which signed nothing here: verifying against it must fail. */
  otherCa: string;
  /** For 127.0.0.1 and localhost. */
  cert: string;
  key: string;
}

/** A throwaway CA and a server certificate it signed, made with the openssl CLI (Node cannot issue certificates). */
export function makeCertificates(): TestCertificates {
  const dir = mkdtempSync(path.join(tmpdir(), 'ip-certs-'));
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    for (const ca of ['ca', 'other-ca']) {
      openssl(
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        `/CN=incidentpilot test ${ca}`,
        '-keyout',
        file(`${ca}.key`),
        '-out',
        file(`${ca}.pem`),
      );
    }
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', file('server.key'), '-out', file('server.csr'));
    writeFileSync(file('ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
    openssl(
      'x509',
      '-req',
      '-in',
      file('server.csr'),
      '-CA',
      file('ca.pem'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      file('ext.cnf'),
      '-out',
      file('server.crt'),
    );
    return {
      ca: readFileSync(file('ca.pem'), 'utf8'),
      otherCa: readFileSync(file('other-ca.pem'), 'utf8'),
      cert: readFileSync(file('server.crt'), 'utf8'),
      key: readFileSync(file('server.key'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
