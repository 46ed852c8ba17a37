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

/** A copy of `base` (default process.env) whose PATH starts with the service Node's bin dir. */
export function envWithServiceNode(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const { binDir } = serviceNode();
  const path = base.PATH ?? base.Path ?? '';
  return { ...base, PATH: path ? `${binDir}${delimiter}${path}` : binDir };
}
