import type { TestProject } from 'vitest/node';
import { startControlPlane, type Connection } from '@paved/testkit';

declare module 'vitest' {
  export interface ProvidedContext {
    cluster: Connection;
  }
}

/** One control plane for the whole e2e project: start-up costs seconds, every file reuses it. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const controlPlane = await startControlPlane();
  process.stdout.write(`e2e: control plane ready in ${Date.now() - started} ms at ${controlPlane.connection.server}\n`);
  project.provide('cluster', controlPlane.connection);
  return () => controlPlane.stop();
}
