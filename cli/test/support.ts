import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TextCapture } from '@paved/testkit';
import { afterEach } from 'vitest';
import { main, type Io } from '../src/main.js';

export const FIXTURE_TEMPLATES = fileURLToPath(new URL('./fixtures/templates', import.meta.url));
/** An XDG_CONFIG_HOME that holds nothing, so no user's paved config reaches a test. */
export const NO_USER_CONFIG = join(tmpdir(), 'paved-tests-no-user-config');

const made: string[] = [];
afterEach(async () => {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A fresh temporary folder, removed after the test. */
export async function tempDir(prefix = 'paved-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** A stream that keeps what is written to it, for a command's stdout or stderr. */
export function captureStream(): { stream: NodeJS.WritableStream; text: () => string } {
  const capture = new TextCapture();
  return { stream: capture.stream, text: () => capture.text };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs create-service in-process against the given templates, with no terminal attached. */
export async function runCli(argv: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; templates?: string }): Promise<CliResult> {
  const stdout = new TextCapture();
  const stderr = new TextCapture();
  const io: Io = {
    stdout: stdout.stream,
    stderr: stderr.stream,
    // The real environment (PATH, HOME, PAVED_WORKFLOWS_REF …) as a user's shell would pass it.
    // No user config file (~/.config/paved/config.yaml) unless the test gives one.
    env: { ...process.env, XDG_CONFIG_HOME: NO_USER_CONFIG, PAVED_TEMPLATES_DIR: options.templates ?? FIXTURE_TEMPLATES, ...options.env },
    cwd: options.cwd,
    interactive: false,
  };
  const code = await main(argv, io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}
