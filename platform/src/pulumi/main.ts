// Entry of the Pulumi program (Pulumi.yaml `main`). The stack name selects the
// environment and shard; the config directory comes from stack config.

import path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { loadConfig, formatIssue } from '../config/load.js';
import { provision } from './program.js';

export default async function main(): Promise<Record<string, unknown>> {
  const settings = new pulumi.Config();
  // Relative to Pulumi.yaml, as Pulumi.yaml documents it: the engine runs the program in the
  // folder of `main` (dist/pulumi), not in the project's.
  const configDir = path.resolve(pulumi.runtime.getRootDirectory() || process.cwd(), settings.get('configDir') ?? 'examples');
  const loaded = await loadConfig(configDir);
  if (!loaded.ok) throw new Error(`invalid platform config in ${configDir}:\n${loaded.issues.map(formatIssue).join('\n')}`);
  const result = provision(loaded.config, pulumi.getStack());
  return {
    teams: result.units.map((unit) => unit.team),
    namespaces: result.units.map((unit) => unit.tenant[0]?.metadata?.name),
    applications: result.units.flatMap((unit) => unit.apps.map((app) => app.metadata?.name)),
  };
}
