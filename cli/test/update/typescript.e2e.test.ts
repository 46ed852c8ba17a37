/**
 * End to end on the real typescript template: generate a service, make team edits, update it
 * across a template version that changes the README and adds a test, and run the updated
 * service's own typecheck and tests with its Node LTS (one npm ci).
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { envWithServiceNode } from '@paved/testkit';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

// Generated workflows pin a Paved commit; fix it so a commit landing mid-test changes nothing.
process.env.PAVED_WORKFLOWS_REF ??= 'a'.repeat(40);
import { parse } from 'yaml';
import { runCommand } from '../templates/harness.js';
import { commitAll, git, read, runCli, tempDir, update } from './helpers.js';

const TEMPLATES = fileURLToPath(new URL('../../../templates', import.meta.url));

/** The test the new template version adds: it uses the service's own test helpers. */
const ADDED_TEST = `import { describe, expect, it } from 'vitest';
import { testService } from './helpers.ts';

describe('liveness after a template update', () => {
  it('answers /healthz', async () => {
    const { app } = testService();
    try {
      expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
`;

describe('paved update on the typescript template', () => {
  it('merges a new template version into an edited service whose own checks still pass', async () => {
    const v1 = await tempDir('paved-ts-v1-');
    await cp(TEMPLATES, v1, { recursive: true });
    const v2 = await tempDir('paved-ts-v2-');
    await cp(TEMPLATES, v2, { recursive: true });
    const manifest = join(v2, 'typescript/template.yaml');
    const text = await readFile(manifest, 'utf8');
    const from = /^version: (.*)$/m.exec(text)?.[1] ?? '';
    const to = semver.inc(from, 'minor') ?? '';
    await writeFile(manifest, text.replace(/^version: .*$/m, `version: ${to}`));
    const readme = join(v2, 'typescript/files/README.md.hbs');
    await writeFile(readme, `${await readFile(readme, 'utf8')}\n## Updating\n\nRun \`paved update\` to take template improvements.\n`);
    await writeFile(join(v2, 'typescript/files/test/liveness.test.ts'), ADDED_TEST);

    const parent = await tempDir('paved-ts-service-');
    const created = await runCli(['orders', '--template', 'typescript', '--team', 'checkout', '--yes'], { cwd: parent, templates: v1 });
    expect(created.code, created.stderr).toBe(0);
    const dir = join(parent, 'orders');
    await writeFile(join(dir, 'README.md'), `Team note: orders is on call in business hours.\n\n${await read(dir, 'README.md')}`);
    await writeFile(
      join(dir, 'test/team.test.ts'),
      "import { describe, expect, it } from 'vitest';\n\ndescribe('team test', () => {\n  it('runs', () => {\n    expect(1 + 1).toBe(2);\n  });\n});\n",
    );
    await commitAll(dir, 'team edits');

    const result = await update(dir, v2);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain(`Updated .: typescript template ${from} → ${to}.`);
    expect(result.stdout).toContain('  A test/liveness.test.ts');
    const merged = await read(dir, 'README.md');
    expect(merged).toMatch(/^Team note: orders is on call/);
    expect(merged).toContain('## Updating');
    expect(await read(dir, 'test/team.test.ts')).toContain('team test');
    expect(parse(await read(dir, '.paved/answers.yaml')).templateVersion).toBe(to);
    expect(await git(dir, 'status', '--porcelain')).toBe('');

    const env = envWithServiceNode();
    for (const args of [['ci', '--prefer-offline', '--no-audit', '--no-fund'], ['run', 'typecheck'], ['test']]) {
      const run = await runCommand('npm', args, { cwd: dir, env });
      expect(run.code, `npm ${args.join(' ')} failed:\n${run.output}`).toBe(0);
      if (args[0] === 'test') for (const file of ['test/liveness.test.ts', 'test/team.test.ts']) expect(run.output).toContain(file);
    }
  }, 300_000);
});
