import { writeFile } from 'node:fs/promises';
import type { Connection } from './kube-client.js';

/**
 * Writes a kubeconfig (JSON, which kubeconfig readers accept) with one context per entry, named
 * as a platform.yaml names its clusters, each on its own cluster entry and admin token. Mode 0600:
 * it holds the tokens.
 */
export async function writeKubeconfig(path: string, contexts: ReadonlyArray<{ name: string; connection: Connection }>): Promise<void> {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: contexts.map(({ name, connection }) => ({
      name,
      cluster: { server: connection.server, 'certificate-authority-data': Buffer.from(connection.caCert).toString('base64') },
    })),
    users: contexts.map(({ name, connection }) => ({ name, user: { token: connection.token } })),
    contexts: contexts.map(({ name }) => ({ name, context: { cluster: name, user: name } })),
    'current-context': contexts[0]?.name ?? '',
  };
  await writeFile(path, JSON.stringify(config), { mode: 0o600 });
}
