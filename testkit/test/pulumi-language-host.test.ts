// The Node.js language host of our Pulumi engine (testkit/pulumi/languagehost) is Go: its unit
// tests run with the Go toolchain, from here so that `npm test` runs them. The host's whole road
// (programs, policy packs, errors) is exercised by e2e/test/pulumi.test.ts on the real engine.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../src/run.js';

const MODULE = join(import.meta.dirname, '..', 'pulumi');

describe('pulumi-language-nodejs', () => {
  it('passes its Go tests (required plugins, runner command lines, exit codes)', async () => {
    const result = await run('go', ['test', '-count=1', './languagehost/'], { cwd: MODULE, env: { ...process.env, CGO_ENABLED: '0' } });
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toMatch(/^ok\s+paved\.dev\/testkit\/pulumi\/languagehost/m);
  }, 600_000);
});
