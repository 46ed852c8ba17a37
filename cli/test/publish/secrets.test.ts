import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runPublishCommand } from '../../src/publish/index.js';
import type { FakeGitHub } from '../support/github/fake-github.js';
import { FAST, filesContaining, makeService, recordingGit, runEnv, secretForms, startFake, tempDir, TOKEN } from './helpers.js';

/**
 * The token must never appear in a file, an output line or a process's argument list. Files:
 * everything under the test's temp root (service, HOME, the server's bare repositories).
 * Arguments: every git started through PATH is recorded by a wrapper, and /proc is sampled
 * while publish runs to catch the processes git starts itself (git-remote-http, …).
 */

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

/** Reads every process's command line every few milliseconds until stopped. */
function sampleArgv(needles: string[]) {
  const hits: string[] = [];
  let samples = 0;
  const timer = setInterval(() => {
    samples += 1;
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      let argv: string;
      try {
        argv = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
      } catch {
        continue;
      }
      if (needles.some((n) => argv.includes(n))) hits.push(argv.replace(/\0/g, ' '));
    }
  }, 3);
  return { stop: () => (clearInterval(timer), { hits, samples }) };
}

let root: string;
let fake: FakeGitHub;
beforeAll(async () => {
  root = tempDir('secrets');
  fake = await startFake(join(root, 'server'));
});
afterAll(async () => {
  await fake.stop();
  rmSync(root, { recursive: true, force: true });
});

async function run(args: string[], envOverrides: NodeJS.ProcessEnv = {}) {
  const home = join(root, 'home');
  mkdirSync(home, { recursive: true });
  const git = recordingGit(root);
  const out = sink();
  const err = sink();
  const env = { ...runEnv(home, git.path), ...envOverrides };
  const code = await runPublishCommand([...args, '--api-url', fake.url], { stdout: out.stream, stderr: err.stream, env, tuning: FAST });
  return { code, stdout: out.text(), stderr: err.text(), argvLog: readFileSync(git.log, 'utf8') };
}

describe('the token stays secret', () => {
  it('appears in no file, output or argument list across a publish, a failed push and a re-run', async () => {
    const forms = secretForms(TOKEN);
    // A canary proves the sampler sees short-lived processes' arguments.
    const canary = `paved-canary-${process.pid}`;
    const sampler = sampleArgv([...forms, canary]);
    await new Promise((resolve) => execFile('sh', ['-c', 'sleep 0.2', canary], resolve));
    const dir = makeService(join(root, 'services'));
    const first = await run([dir, '--owner', 'acme']);
    expect(first.code, first.stderr + first.stdout).toBe(0);
    expect(first.argvLog).toMatch(/^git push --porcelain --set-upstream origin refs\/heads\/main:refs\/heads\/main$/m);

    // A push that fails puts git's own error text in our output: still no token.
    const second = makeService(join(root, 'services'), { name: 'billing' });
    fake.fault({ operationId: 'git/receive-pack', kind: 'status502', times: Number.POSITIVE_INFINITY, repo: 'acme/billing' });
    const failed = await run([second, '--owner', 'acme']);
    fake.clearFaults();
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/FAILED\s+first push/);
    expect(failed.stdout).toMatch(/git push to .* failed/);

    const rerun = await run([second, '--owner', 'acme', '--json']);
    expect(rerun.code).toBe(0);
    expect((JSON.parse(rerun.stdout) as { ok: boolean }).ok).toBe(true);
    const { hits, samples } = sampler.stop();

    for (const r of [first, failed, rerun]) {
      for (const form of forms) {
        expect(r.stdout).not.toContain(form);
        expect(r.stderr).not.toContain(form);
        expect(r.argvLog).not.toContain(form);
      }
    }
    expect(filesContaining(root, forms)).toEqual([]);
    expect(samples).toBeGreaterThan(10);
    expect(hits.some((h) => h.includes(canary))).toBe(true);
    expect(hits.filter((h) => !h.includes(canary))).toEqual([]);
    // The remote holds the plain URL only.
    expect(readFileSync(join(dir, '.git', 'config'), 'utf8')).toContain(`url = ${fake.url}/git/acme/orders.git`);
    expect(fake.violations).toEqual([]);
  });

  it('keeps a rejected token out of the output too', async () => {
    const wrong = 'ghp_WrongButSecret9876543210zyxwvuZYXWVU';
    const dir = makeService(join(root, 'rejected'));
    const r = await run([dir, '--owner', 'acme'], { GITHUB_TOKEN: wrong });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/GitHub rejected the token/);
    for (const form of secretForms(wrong)) {
      expect(r.stdout + r.stderr).not.toContain(form);
    }
    expect(filesContaining(root, secretForms(wrong))).toEqual([]);
  });
});
