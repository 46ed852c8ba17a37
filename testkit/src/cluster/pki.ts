import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run, toolFailure } from '../run.js';

/** Files of the test control plane's PKI, all inside one private folder. */
export interface Pki {
  caCert: string;
  servingCert: string;
  servingKey: string;
  /** Service-account token signing key (private) and its public half for verification. */
  serviceAccountKey: string;
  serviceAccountPublicKey: string;
}

const DAYS = '2';

async function openssl(args: string[], cwd: string): Promise<void> {
  const result = await run('openssl', args, { cwd });
  if (result.code !== 0) throw toolFailure('openssl', result, `running openssl ${args[0]}`);
}

/**
 * A throw-away CA and a serving certificate for 127.0.0.1, made with the system openssl (Node
 * can parse X.509 but not issue it), plus the key pair kube-apiserver signs service-account
 * tokens with. Valid for two days: long enough for any test run, useless after.
 */
export async function createPki(dir: string): Promise<Pki> {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', DAYS, '-subj', '/CN=paved-test-ca'], dir);
  await openssl(['req', ...ec, '-keyout', 'apiserver.key', '-out', 'apiserver.csr', '-subj', '/CN=kube-apiserver'], dir);
  await writeFile(join(dir, 'apiserver.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  await openssl(
    [
      'x509',
      '-req',
      '-in',
      'apiserver.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      DAYS,
      '-extfile',
      'apiserver.ext',
      '-out',
      'apiserver.crt',
    ],
    dir,
  );
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  await writeFile(join(dir, 'sa.key'), privateKey, { mode: 0o600 });
  await writeFile(join(dir, 'sa.pub'), publicKey);
  return {
    caCert: join(dir, 'ca.crt'),
    servingCert: join(dir, 'apiserver.crt'),
    servingKey: join(dir, 'apiserver.key'),
    serviceAccountKey: join(dir, 'sa.key'),
    serviceAccountPublicKey: join(dir, 'sa.pub'),
  };
}
