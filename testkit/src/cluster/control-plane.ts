import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toolPath } from '../tools-dir.js';
import { KubeClient, type Connection } from './kube-client.js';
import { createPki } from './pki.js';
import { waitUntil } from './wait.js';

/** A running kine + kube-apiserver + kube-controller-manager on 127.0.0.1. */
export interface ControlPlane {
  connection: Connection;
  /** Folder with the PKI, the storage and each process's log. */
  dir: string;
  stop(): Promise<void>;
}

/** The admin the tests authenticate as (group system:masters); everyone else is impersonated. */
export const ADMIN_USER = 'paved-test-admin';

const READY_TIMEOUT_MS = 60_000;

/** A free TCP port on 127.0.0.1, picked by the kernel. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function start(name: string, binary: string, args: string[], dir: string): ChildProcess {
  const log = createWriteStream(join(dir, `${name}.log`));
  const child = spawn(binary, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return child;
}

async function tail(dir: string, name: string): Promise<string> {
  const text = await readFile(join(dir, `${name}.log`), 'utf8').catch(() => '');
  return text.split('\n').slice(-25).join('\n');
}

/** Waits until check() is true (an error it throws counts as not yet), failing early when one of the processes has died. */
async function waitFor(what: string, check: () => Promise<boolean>, processes: Map<string, ChildProcess>, dir: string): Promise<void> {
  await waitUntil(
    what,
    async () => {
      for (const [name, child] of processes)
        if (child.exitCode !== null || child.signalCode !== null)
          throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before ${what}:\n${await tail(dir, name)}`);
      return check().catch(() => false);
    },
    READY_TIMEOUT_MS,
  );
}

async function stopAll(processes: Map<string, ChildProcess>): Promise<void> {
  const children = [...processes.values()].reverse();
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
          child.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}

/**
 * Starts a real Kubernetes control plane from the binaries scripts/install-tools.mjs built:
 * kine (sqlite) as storage, kube-apiserver with RBAC, Pod Security and quota admission as a
 * real cluster has them, and kube-controller-manager for what admission and workloads need
 * (quota usage, ReplicaSets creating pods, default service accounts, namespace deletion).
 * There is no kubelet or scheduler: pods are created and stay Pending.
 */
async function startControlPlaneOnce(): Promise<ControlPlane> {
  const dir = await mkdtemp(join(tmpdir(), 'paved-cluster-'));
  const processes = new Map<string, ChildProcess>();
  try {
    const pki = await createPki(dir);
    const token = randomBytes(24).toString('base64url');
    await writeFile(join(dir, 'tokens.csv'), `${token},${ADMIN_USER},${ADMIN_USER},"system:masters"\n`, { mode: 0o600 });
    const [storagePort, apiPort] = [await freePort(), await freePort()];
    const server = `https://127.0.0.1:${apiPort}`;

    processes.set(
      'kine',
      start(
        'kine',
        toolPath('bin', 'kine'),
        [
          '--endpoint',
          `sqlite://${join(dir, 'state.db')}?_journal=WAL&cache=shared`,
          '--listen-address',
          `127.0.0.1:${storagePort}`,
          // Its metrics would take :8080 on every interface, so two runs on one machine collided.
          '--metrics-bind-address=0',
        ],
        dir,
      ),
    );
    processes.set(
      'kube-apiserver',
      start(
        'kube-apiserver',
        toolPath('bin', 'kube-apiserver'),
        [
          `--etcd-servers=http://127.0.0.1:${storagePort}`,
          '--bind-address=127.0.0.1',
          '--advertise-address=127.0.0.1',
          `--secure-port=${apiPort}`,
          `--cert-dir=${dir}`,
          `--tls-cert-file=${pki.servingCert}`,
          `--tls-private-key-file=${pki.servingKey}`,
          `--client-ca-file=${pki.caCert}`,
          `--token-auth-file=${join(dir, 'tokens.csv')}`,
          '--service-account-issuer=https://kubernetes.default.svc',
          `--service-account-key-file=${pki.serviceAccountPublicKey}`,
          `--service-account-signing-key-file=${pki.serviceAccountKey}`,
          '--service-cluster-ip-range=10.96.0.0/16',
          // The advertise address is loopback, which the endpoint reconciler refuses.
          '--endpoint-reconciler-type=none',
          // As real clusters: Pod Security, not API validation, is what refuses a privileged pod.
          '--allow-privileged=true',
          '--authorization-mode=Node,RBAC',
          '--profiling=false',
        ],
        dir,
      ),
    );
    const connection: Connection = { server, caCert: await readFile(pki.caCert, 'utf8'), token };
    const admin = new KubeClient(connection);
    try {
      await waitFor('the API server was ready', async () => (await admin.request('GET', '/readyz')).ok, processes, dir);
    } finally {
      admin.close();
    }

    await writeFile(
      join(dir, 'kubeconfig'),
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'test', cluster: { server, 'certificate-authority': pki.caCert } }],
        users: [{ name: 'admin', user: { token } }],
        contexts: [{ name: 'test', context: { cluster: 'test', user: 'admin' } }],
        'current-context': 'test',
      }),
      { mode: 0o600 },
    );
    processes.set(
      'kube-controller-manager',
      start(
        'kube-controller-manager',
        toolPath('bin', 'kube-controller-manager'),
        [
          `--kubeconfig=${join(dir, 'kubeconfig')}`,
          '--leader-elect=false',
          '--secure-port=0',
          '--controllers=namespace,garbagecollector,resourcequota,replicaset,deployment,serviceaccount,serviceaccount-token,disruption',
          // Each controller acts as its own service account, as in real clusters: the namespace
          // controller cleaning up a removed team meets the same admission policy it would there.
          '--use-service-account-credentials=true',
          `--service-account-private-key-file=${pki.serviceAccountKey}`,
          `--root-ca-file=${pki.caCert}`,
          '--concurrent-resource-quota-syncs=5',
          '--resource-quota-sync-period=10s',
        ],
        dir,
      ),
    );
    // The service-account controller creating "default" in kube-system shows the controllers run.
    const probe = new KubeClient(connection);
    try {
      await waitFor('kube-controller-manager was running', async () => (await probe.get('v1', 'ServiceAccount', 'default', 'kube-system')).ok, processes, dir);
    } finally {
      probe.close();
    }

    let stopped = false;
    return {
      connection,
      dir,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await stopAll(processes);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stopAll(processes);
    const logs = await Promise.all([...processes.keys()].map(async (name) => `--- ${name}\n${await tail(dir, name)}`));
    await rm(dir, { recursive: true, force: true });
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${logs.join('\n')}`);
  }
}

/** How many times a control plane is started afresh when a port it was given got taken. */
const PORT_ATTEMPTS = 3;

/**
 * A running control plane (startControlPlaneOnce). Its ports are picked free, then handed to kine and
 * kube-apiserver, so another process (a test running beside this one) can take one in
 * between; that start is thrown away and a new one made with new ports.
 */
export async function startControlPlane(): Promise<ControlPlane> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startControlPlaneOnce();
    } catch (error) {
      if (attempt >= PORT_ATTEMPTS || !(error instanceof Error) || !/address already in use/.test(error.message)) throw error;
    }
  }
}
