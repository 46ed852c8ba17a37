import { mkdir, writeFile, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { captureIo as captureCommandIo, testTempDir } from '@paved/testkit';
import type { SourceFile } from '../src/config/load.js';

export const EXAMPLES = fileURLToPath(new URL('../examples', import.meta.url));

/** A fresh folder, removed when the test that asked for it ends. */
export async function tempDir(prefix = 'paved-platform-'): Promise<string> {
  return testTempDir(prefix);
}

/** Write config files to a fresh directory and return it. */
export async function writeConfig(files: SourceFile[]): Promise<string> {
  const dir = await tempDir();
  for (const file of files) {
    await mkdir(path.dirname(path.join(dir, file.path)), { recursive: true });
    await writeFile(path.join(dir, file.path), file.text);
  }
  return dir;
}

/** The example config as source files, so tests can change one file at a time. */
export async function exampleFiles(): Promise<SourceFile[]> {
  const files: SourceFile[] = [{ path: 'platform.yaml', text: await readFile(path.join(EXAMPLES, 'platform.yaml'), 'utf8') }];
  for (const entry of (await readdir(path.join(EXAMPLES, 'teams'))).sort())
    files.push({ path: `teams/${entry}`, text: await readFile(path.join(EXAMPLES, 'teams', entry), 'utf8') });
  return files;
}

export function replaceFile(files: SourceFile[], file: string, text: string): SourceFile[] {
  return [...files.filter((f) => f.path !== file), { path: file, text }];
}

export function editFile(files: SourceFile[], file: string, edit: (text: string) => string): SourceFile[] {
  const found = files.find((f) => f.path === file);
  if (!found) throw new Error(`no ${file} in the config`);
  const edited = edit(found.text);
  if (edited === found.text) throw new Error(`edit of ${file} changed nothing`);
  return replaceFile(files, file, edited);
}

/** Captures what a command prints, as lines. */
export function captureIo() {
  const io = captureCommandIo();
  return { io, out: io.outLines, err: io.errLines };
}
