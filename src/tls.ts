/**
 * HTTPS: a certificate the user gives, or a self-signed one for local development, made once
 * and kept in the data directory so clients can trust it (e.g. NODE_EXTRA_CA_CERTS=<cert.pem>).
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface TlsFiles {
  cert: string;
  key: string;
  /** Where the certificate is, to print for users who need to trust it. */
  certPath: string;
  /** Where the key is (worker processes of `serve --workers` read both files). */
  keyPath: string;
  /** The kept certificate was a CA one (made by an older version) and was made again. */
  replaced?: boolean;
}

export function readTlsFiles(certPath: string, keyPath: string): TlsFiles {
  return { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8'), certPath, keyPath };
}

/**
 * Loads the kept self-signed certificate from `<dir>/tls/`, making it on first use. It is a leaf
 * (CA:FALSE, no keyCertSign) for `localhost`, `127.0.0.1` and `::1` only: clients trust it as
 * it is (a self-signed leaf is its own trust anchor), and its key cannot vouch for any other
 * host. Older versions made a CA certificate, which a client that trusts it would accept from
 * anyone holding the key for any host: one found is made again.
 */
export async function selfSignedTls(dataDir: string): Promise<TlsFiles> {
  const dir = join(dataDir, 'tls');
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  let replaced = false;
  if (existsSync(certPath) && existsSync(keyPath)) {
    const kept = readTlsFiles(certPath, keyPath);
    if (!new X509Certificate(kept.cert).ca) return kept;
    replaced = true;
  }
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + 825 * 24 * 3600 * 1000);
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  // The key is the server's identity: its directory is the owner's only, as the data directory.
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(certPath, pems.cert);
  writeFileSync(keyPath, pems.private, { mode: 0o600 });
  return { cert: pems.cert, key: pems.private, certPath, keyPath, ...(replaced ? { replaced } : {}) };
}
