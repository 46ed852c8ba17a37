import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { envWithServiceNode, serviceNode } from '../src/index.js';

describe('serviceNode', () => {
  it('is the pinned Node LTS, not the Node running the tests', () => {
    const { node, version } = serviceNode();
    expect(version).toMatch(/^v26\./);
    expect(version).not.toBe(process.version);
    expect(execFileSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim()).toBe(version.slice(1));
  });

  it('runs npm and npm exec under the service Node, even when called from inside npm', () => {
    const printed = execFileSync('npm', ['exec', '--yes=false', '--', 'node', '--version'], {
      // What an outer `npm test`/`npx vitest` exports; it must not win over the service Node.
      env: envWithServiceNode({ ...process.env, npm_config_prefix: '/usr', npm_node_execpath: process.execPath }),
      encoding: 'utf8',
    }).trim();
    expect(printed).toBe(serviceNode().version);
    const npmNode = execFileSync('npm', ['version', '--json'], { env: envWithServiceNode(), encoding: 'utf8' });
    expect(JSON.parse(npmNode)).toMatchObject({ node: serviceNode().version.slice(1) });
  });
});
