// Callers of the reusable workflows, checked against what those workflows declare.
// Shared by the pipelines tests and the template tests in cli/ (a generated service's
// workflows are such callers).
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { $ } from 'zx/core';

/** This repository's `.github/workflows`, where the reusable workflows live. */
export const PAVED_WORKFLOWS_DIR = join(import.meta.dirname, '..', '..', '.github', 'workflows');

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** `<repository>/.github/workflows/<file>.yml@<40-hex sha>`, capturing the path in the repository. */
export function remoteCall(repository: string): RegExp {
  return new RegExp(`${escape(repository)}/(\\.github/workflows/[\\w.-]+\\.ya?ml)@[0-9a-f]{40}`, 'g');
}

/**
 * Makes `dir` a git project holding the reusable workflows and the callers (file name →
 * text) rewritten to call them locally (`./.github/workflows/...`): actionlint run there
 * checks every `with:`, `secrets:` and `needs.*.outputs` of a caller against the called
 * workflow's declarations, which it cannot do for a remote reference.
 */
export async function callerProject(dir: string, callers: Record<string, string>, repository = 'acme/paved'): Promise<string[]> {
  const workflows = join(dir, '.github', 'workflows');
  await mkdir(workflows, { recursive: true });
  await cp(PAVED_WORKFLOWS_DIR, workflows, { recursive: true });
  const files: string[] = [];
  for (const [name, text] of Object.entries(callers)) {
    const file = join(workflows, `caller-${name}`);
    await writeFile(file, text.replace(remoteCall(repository), './$1'));
    files.push(file);
  }
  await $({ cwd: dir, quiet: true })`git init --quiet`;
  return files;
}
