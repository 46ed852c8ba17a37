import { execFileSync } from 'node:child_process';
import { delimiter, dirname } from 'node:path';
import { toolPath } from './tools-dir.js';

export interface ServiceNode {
  node: string;
  binDir: string;
  version: string;
}

let cached: ServiceNode | undefined;

/**
 * The Node.js LTS that generated services run on (not the Node running this toolkit).
 * Putting binDir first on PATH makes `npm` (a node script) run under it too.
 */
export function serviceNode(): ServiceNode {
  if (cached) return cached;
  const node = toolPath('service-node', 'node');
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  cached = { node, binDir: dirname(node), version };
  return cached;
}

/**
 * A copy of `base` (default process.env) whose PATH starts with the service Node's bin dir.
 * The npm_* variables an outer npm (npx vitest, npm test) exports to its children are dropped:
 * npm_config_prefix=/usr alone makes an inner `npm exec`/`npm run` put /usr/bin ahead of our
 * bin dir, silently running the service under the toolkit's Node. The inner npm re-reads the
 * same npmrc files, so no user configuration is lost.
 */
export function envWithServiceNode(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const { binDir } = serviceNode();
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) {
    if (!/^npm_/i.test(key) && key !== 'NODE') env[key] = value;
  }
  const path = base.PATH ?? base.Path ?? '';
  env.PATH = path ? `${binDir}${delimiter}${path}` : binDir;
  return env;
}
