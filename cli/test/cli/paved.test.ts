import { describe, expect, it } from 'vitest';
import { paved } from '../../src/paved.js';
import { captureStream, tempDir } from '../support.js';

async function runPaved(argv: string[]) {
  const out = captureStream();
  const err = captureStream();
  const code = await paved(argv, { stdout: out.stream, stderr: err.stream, env: {}, cwd: await tempDir(), interactive: false });
  return { code, stdout: out.text(), stderr: err.text() };
}

describe('paved', () => {
  it('lists its commands, and refuses an unknown one with exit 2', async () => {
    const help = (await runPaved(['--help'])).stdout;
    for (const command of ['create', 'publish', 'update', 'release', 'promote', 'platform check', 'platform render', 'platform stacks'])
      expect(help).toMatch(new RegExp(`\\n  ${command} `));
    expect(help).toMatch(/Examples:\n {2}paved create [\s\S]*Exit codes:\n {2}0 [\s\S]*\n {2}3 {4}conflicts/);
    const unknown = await runPaved(['deploy']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('paved: error: unknown command "deploy"\n  run `paved --help` for the commands\n');
    const typo = await runPaved(['platfrom', 'check']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('unknown command "platfrom"; did you mean platform?');
  });

  it('runs the pipelines and platform commands with its own output streams and folder', async () => {
    const release = await runPaved(['release', '--help']);
    expect(release.code).toBe(0);
    expect(release.stdout).toMatch(/^Usage: paved release/);
    const outside = await runPaved(['release', '--json']);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain('is not a git repository');
    const platform = await runPaved(['platform', 'check', '--config', 'nowhere']);
    expect(platform.code).toBe(2);
    expect(platform.stderr).toMatch(/nowhere/);
  });

  it('runs create like create-service', async () => {
    const result = await runPaved(['create', '--version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
