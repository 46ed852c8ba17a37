/**
 * Plumbing for the update tests: template versions made by copying a fixture template and
 * changing the copy, services generated with the real create-service (real git), and
 * `paved update` run in-process.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import type { Io } from '../../src/main.js';
import { runUpdateCommand } from '../../src/update/command.js';
import { runCli, tempDir, type CliResult } from '../support.js';

const exec = promisify(execFile);
export const UPDATE_FIXTURES = fileURLToPath(new URL('../fixtures/update', import.meta.url));

/** A change to a template copy: path (relative to the template root) → new text, null to delete. */
export type Edits = Record<string, string | Buffer | null | ((old: string) => string)>;

/** A templates root holding the fixture's `svc` at `version`, with `edits` applied. */
export async function templatesAt(version: string, edits: Edits = {}, from: string = UPDATE_FIXTURES): Promise<string> {
  const root = await tempDir('paved-templates-');
  await cp(from, root, { recursive: true });
  await applyEdits(root, { 'svc/template.yaml': (t) => t.replace(/^version: .*$/m, `version: ${version}`), ...edits });
  return root;
}

export async function applyEdits(root: string, edits: Edits): Promise<void> {
  for (const [path, edit] of Object.entries(edits)) {
    const file = join(root, path);
    if (edit === null) await rm(file);
    else {
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, typeof edit === 'function' ? edit(await readFile(file, 'utf8')) : edit);
    }
  }
}

/** Generates `name` from the templates with create-service (git repository and template branch included). */
export async function generate(templates: string, name = 'orders', args: string[] = []): Promise<string> {
  const cwd = await tempDir('paved-service-');
  const result = await runCli([name, '--template', 'svc', '--team', 'payments', ...args], { cwd, templates });
  expect(result.code, result.stderr).toBe(0);
  return join(cwd, name);
}

class Capture {
  text = '';
  write(chunk: string | Uint8Array): boolean {
    this.text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }
}

/** Runs `paved update` in-process in `dir` with the given templates and no terminal. */
export async function update(dir: string, templates: string, args: string[] = []): Promise<CliResult> {
  const stdout = new Capture();
  const stderr = new Capture();
  const io: Io = {
    stdout: stdout as unknown as NodeJS.WritableStream,
    stderr: stderr as unknown as NodeJS.WritableStream,
    // create-service renders with process.env; the update sees the same workflow pin when a test fixes one.
    env: { PAVED_TEMPLATES_DIR: templates, ...(process.env.PAVED_WORKFLOWS_REF ? { PAVED_WORKFLOWS_REF: process.env.PAVED_WORKFLOWS_REF } : {}) },
    cwd: dir,
    interactive: false,
  };
  const code = await runUpdateCommand(args, io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** Runs git as a team member would; the identity is given so a machine without one works too. */
export async function git(dir: string, ...args: string[]): Promise<string> {
  return (await exec('git', ['-c', 'user.name=Team Member', '-c', 'user.email=team@example.invalid', ...args], { cwd: dir })).stdout.trim();
}

/** Commits everything in the service, as a team would. */
export async function commitAll(dir: string, message = 'local change'): Promise<void> {
  await git(dir, 'add', '--all');
  await git(dir, 'commit', '--quiet', '-m', message);
}

export async function editFile(dir: string, path: string, edit: (old: string) => string): Promise<void> {
  const file = join(dir, path);
  await writeFile(file, edit(await readFile(file, 'utf8')));
}

export const read = (dir: string, path: string): Promise<string> => readFile(join(dir, path), 'utf8');

/** Every file below `dir` except .git: path → contents and executable bit. */
export async function snapshot(dir: string, skipGit = true): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (current: string): Promise<void> => {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      if (skipGit && entry.name === '.git' && current === dir) continue;
      const full = join(current, entry.name);
      if (entry.isDirectory()) await walk(full);
      else {
        const s = await stat(full);
        files.set(relative(dir, full), `${s.mode & 0o111 ? 'x ' : ''}${(await readFile(full)).toString('base64')}`);
      }
    }
  };
  await walk(dir);
  return files;
}

/**
 * Every file in .git with its size and modification time: proof that nothing was written.
 * Loose objects count by size only: when git is asked to store an object it already has, it
 * refreshes that file's time (so gc keeps it), which is not a change to the repository.
 */
export async function gitDirState(dir: string): Promise<Map<string, string>> {
  const state = new Map<string, string>();
  const walk = async (current: string): Promise<void> => {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const full = join(current, entry.name);
      if (entry.isDirectory()) await walk(full);
      else {
        const s = await stat(full);
        const path = relative(dir, full);
        state.set(path, path.startsWith('.git/objects/') ? `${s.size}` : `${s.size} ${s.mtimeMs}`);
      }
    }
  };
  await walk(join(dir, '.git'));
  return state;
}

export { chmod, existsSync, rm, tempDir, writeFile, runCli };
