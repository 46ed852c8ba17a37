/**
 * The go golden path, end to end: generate with the real CLI, run the generated service's
 * own checks with the machine's Go (the commands its CI workflow runs, without -race, which
 * needs cgo and a second build of everything),
 * build the static binary, start it and hold it to the language-neutral contract
 * (conformance.ts). Then the static checks of what it generates, with the real tools.
 *
 * Go's module and build caches (GOMODCACHE, GOCACHE) are shared with the machine, so a
 * second run compiles nothing but the service; point them at empty folders to time a cold run.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { actionlint, formatFindings, hadolint, kubeconform, kustomizeBuild, zizmor } from '@paved/testkit';
import { loadTemplate, renderTemplate, resolveAnswers } from '../../src/engine/index.js';
import type { RawAnswers } from '../../src/engine/index.js';
import { tempDir } from '../support.js';
import { checkConformance, checkGracefulShutdown, checkRejectsBadConfig, waitUntilHealthy } from './conformance.js';
import { TEMPLATES_ROOT, freePort, generateService, runCommand, startProcess } from './harness.js';

const timings: string[] = [];

// Every go command builds as the Dockerfile does (static, -trimpath). One set of flags means
// one set of compiled packages in GOCACHE: vet, staticcheck, test and build share them
// instead of compiling the dependencies twice (that halves a cold run).
const GO_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  CGO_ENABLED: '0',
  GOFLAGS: [process.env['GOFLAGS'], '-trimpath'].filter(Boolean).join(' '),
};

async function go(dir: string, args: string[], env: NodeJS.ProcessEnv = GO_ENV): Promise<string> {
  const result = await runCommand('go', args, { cwd: dir, env, timeoutMs: 600_000 });
  timings.push(`go ${args.join(' ')}: ${result.ms} ms`);
  expect(result.code, `go ${args.join(' ')} failed in ${dir}:\n${result.output}`).toBe(0);
  return result.output;
}

describe('go template', () => {
  it('generates a service that passes its own checks and the runtime contract', async () => {
    const dir = await generateService({ template: 'go', name: 'orders', team: 'checkout', set: { githubOrg: 'acme' } });
    expect(await readFile(join(dir, 'go.mod'), 'utf8')).toMatch(/^module github\.com\/acme\/orders\n/);

    // What CI runs (Paved's reusable ci-go.yml): format, tidy, vet, staticcheck, tests, build.
    await go(dir, ['mod', 'download']);
    const gofmt = await runCommand('gofmt', ['-l', '.'], { cwd: dir });
    expect(gofmt.code, gofmt.output).toBe(0);
    expect(gofmt.output, 'files gofmt would change').toBe('');
    await go(dir, ['mod', 'tidy', '-diff']);
    await go(dir, ['vet', './...']);
    await go(dir, ['tool', 'staticcheck', './...']);
    expect(await go(dir, ['test', '-count=1', './...'])).toMatch(/^ok\s+github\.com\/acme\/orders\/internal\/service/m);
    // As the Dockerfile builds it: static (no cgo), so it runs on distroless/static.
    await go(dir, ['build', '-ldflags=-s -w', '-o', 'bin/server', '.']);
    const binary = join(dir, 'bin', 'server');

    await checkRejectsBadConfig((extra) =>
      spawn(binary, [], { cwd: dir, env: { ...process.env, HOST: '127.0.0.1', ...extra }, stdio: ['ignore', 'pipe', 'pipe'] }),
    );

    const port = await freePort();
    const env = { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' };
    const service = startProcess(binary, [], { cwd: dir, port, env });
    onTestFinished(() => {
      service.process.kill('SIGKILL'); // a no-op once the graceful shutdown check has seen it exit
    });
    await waitUntilHealthy(service);
    await checkConformance(service);
    // The container HEALTHCHECK: the binary probes itself (distroless has no shell or curl).
    const probe = await runCommand(binary, ['healthcheck'], { cwd: dir, env });
    expect(probe.code, probe.output).toBe(0);
    await checkGracefulShutdown(service);
    const probeAfter = await runCommand(binary, ['healthcheck'], { cwd: dir, env });
    expect(probeAfter.code, 'healthcheck fails once the server is gone').toBe(1);
    const version = await runCommand('go', ['version'], { cwd: dir });
    console.log(`go e2e timings (${version.output.trim()}):\n  ${timings.join('\n  ')}`);
  }, 900_000);
});

/** Renders the go template with the engine into a fresh folder. */
async function renderGo(raw: RawAnswers): Promise<{ dir: string; paths: string[] }> {
  const template = await loadTemplate('go', TEMPLATES_ROOT);
  const tree = await renderTemplate(template, resolveAnswers(template, raw));
  const dir = await tempDir('paved-go-artifacts-');
  await Promise.all(
    [...tree].map(async ([path, file]) => {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), file.contents, { mode: file.mode });
    }),
  );
  return { dir, paths: [...tree.keys()].sort() };
}

describe('go template artifacts', () => {
  it('its workflows pass actionlint and zizmor, call the Go CI and pin every action', async () => {
    const { dir, paths } = await renderGo({ name: 'orders', team: 'checkout' });
    const workflows = paths.filter((p) => p.startsWith('.github/workflows/')).map((p) => join(dir, p));
    expect(workflows).toContain(join(dir, '.github/workflows/ci.yml'));
    const findings = [...(await actionlint(workflows, { cwd: dir })), ...(await zizmor(workflows))];
    expect(findings, formatFindings(findings)).toEqual([]);
    const texts = await Promise.all(workflows.map((file) => readFile(file, 'utf8')));
    // The shared CI layer picks the reusable workflow by the manifest's language.
    expect(texts.join('\n')).toMatch(/uses: acme\/paved\/\.github\/workflows\/ci-go\.yml@[0-9a-f]{40} /);
    const uses = texts.flatMap((text) => text.split('\n').map((line) => line.trim()).filter((line) => /^(- )?uses:/.test(line)));
    expect(uses.length).toBeGreaterThan(0);
    expect(uses.filter((line) => !/@[0-9a-f]{40} # ([\w-]+ )?v?\d+\.\d+\.\d+$/.test(line))).toEqual([]);
  }, 60_000);

  it('its Dockerfile passes hadolint, pins both images by digest and runs as non-root', async () => {
    const { dir } = await renderGo({ name: 'orders', team: 'checkout', values: { port: 9090 } });
    const findings = await hadolint(join(dir, 'Dockerfile'));
    expect(findings, formatFindings(findings)).toEqual([]);
    const dockerfile = await readFile(join(dir, 'Dockerfile'), 'utf8');
    const froms = dockerfile.split('\n').filter((line) => line.startsWith('FROM '));
    expect(froms).toHaveLength(2);
    for (const from of froms) expect(from).toMatch(/^FROM [\w./-]+:[\w.-]+@sha256:[0-9a-f]{64} AS \w+$/);
    expect(dockerfile).toMatch(/^USER 10001:10001$/m);
    expect(dockerfile).toMatch(/^EXPOSE 9090$/m);
    expect(dockerfile).toContain('CMD ["/app/server", "healthcheck"]');
    // The golang image's Go must satisfy go.mod's toolchain line (the image sets GOTOOLCHAIN=local).
    const goMod = await readFile(join(dir, 'go.mod'), 'utf8');
    expect(goMod).toMatch(/^toolchain go1\.26\.5$/m);
    expect(dockerfile).toContain('(Go 1.26.5)');
  }, 60_000);

  it.each(['dev', 'staging', 'prod'])('overlay %s builds and validates strictly with the service port', async (overlay) => {
    const { dir } = await renderGo({ name: 'orders', team: 'checkout', values: { githubOrg: 'acme', port: 8081 } });
    const built = await kustomizeBuild(join(dir, 'deploy', 'overlays', overlay));
    const findings = await kubeconform(built);
    expect(findings, formatFindings(findings)).toEqual([]);
    const deployment = parseAllDocuments(built)
      .map((doc) => doc.toJS() as { kind: string; spec?: { template?: { spec?: { containers?: Record<string, unknown>[] } } } })
      .find((object) => object.kind === 'Deployment');
    const container = deployment?.spec?.template?.spec?.containers?.[0] ?? {};
    expect(container['ports']).toEqual([{ name: 'http', containerPort: 8081, protocol: 'TCP' }]);
  }, 60_000);

  it('keeps hostile free text inert in YAML, Go and Markdown', async () => {
    const hostile = `He said "hi": {{name}} \${{ github.token }} # x, 'single' \\ back\\slash & <b>tag</b> */ //`;
    const { dir, paths } = await renderGo({ name: 'orders', team: 'checkout', values: { description: hostile } });
    for (const path of paths.filter((p) => /\.ya?ml$/.test(p))) {
      for (const doc of parseAllDocuments(await readFile(join(dir, path), 'utf8'))) expect(doc.errors, path).toEqual([]);
    }
    const catalog = parseYaml(await readFile(join(dir, 'catalog-info.yaml'), 'utf8')) as { metadata: { description: string } };
    expect(catalog.metadata.description).toBe(hostile);
    const readme = await readFile(join(dir, 'README.md'), 'utf8');
    expect(readme).not.toContain('<b>');
    // Free text never reaches Go source, so it cannot break the build.
    for (const path of paths.filter((p) => p.endsWith('.go') || p === 'go.mod')) {
      expect(await readFile(join(dir, path), 'utf8'), path).not.toContain('He said');
    }
  });
});
