import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeTreeAtomic, type FileTree } from '../../src/engine/index.js';
import { tempDir } from '../support.js';

function tree(count: number): FileTree {
  const files: FileTree = new Map();
  for (let i = 0; i < count; i++) files.set(`dir${i % 3}/file${i}.txt`, { contents: Buffer.from(`file ${i}\n`), mode: 0o644 });
  files.set('bin/tool', { contents: Buffer.from('#!/bin/sh\n'), mode: 0o755 });
  return files;
}

describe('writeTreeAtomic', () => {
  it('writes every file with its mode and leaves no temporary folder', async () => {
    const parent = await tempDir();
    const target = join(parent, 'svc');
    await writeTreeAtomic(tree(10), target);
    expect(await readFile(join(target, 'dir1/file4.txt'), 'utf8')).toBe('file 4\n');
    expect((await stat(join(target, 'bin/tool'))).mode & 0o777).toBe(0o755);
    expect((await stat(join(target, 'dir0/file0.txt'))).mode & 0o777).toBe(0o644);
    expect(await readdir(parent)).toEqual(['svc']);
  });

  it('leaves nothing behind when a write fails midway', async () => {
    const parent = await tempDir();
    let written = 0;
    const failing = writeTreeAtomic(tree(10), join(parent, 'svc'), {
      afterFile: () => {
        if (++written === 4) throw new Error('disk full (injected)');
      },
    });
    await expect(failing).rejects.toThrow('disk full (injected)');
    expect(await readdir(parent)).toEqual([]);
  });

  it('leaves nothing behind when aborted (Ctrl-C) or when the finishing step fails', async () => {
    const parent = await tempDir();
    const controller = new AbortController();
    let written = 0;
    await expect(
      writeTreeAtomic(tree(10), join(parent, 'svc'), {
        signal: controller.signal,
        afterFile: () => {
          if (++written === 2) controller.abort();
        },
      }),
    ).rejects.toThrow(/abort/i);
    await expect(writeTreeAtomic(tree(3), join(parent, 'svc'), { finish: () => Promise.reject(new Error('git failed (injected)')) })).rejects.toThrow(
      'git failed',
    );
    expect(await readdir(parent)).toEqual([]);
  });

  it('refuses a non-empty target and leaves its files untouched', async () => {
    const parent = await tempDir();
    const target = join(parent, 'svc');
    await mkdir(target);
    await writeFile(join(target, 'keep.txt'), 'precious');
    await expect(writeTreeAtomic(tree(2), target)).rejects.toThrow(/already exists and is not empty; create-service never overwrites files/);
    expect(await readdir(target)).toEqual(['keep.txt']);
    expect(await readFile(join(target, 'keep.txt'), 'utf8')).toBe('precious');
    expect(await readdir(parent)).toEqual(['svc']);
  });

  it('fills an existing empty folder', async () => {
    const parent = await tempDir();
    await mkdir(join(parent, 'svc'));
    await writeTreeAtomic(tree(1), join(parent, 'svc'));
    expect((await readdir(join(parent, 'svc'))).sort()).toEqual(['bin', 'dir0']);
  });

  it('creates a missing parent, as create-vite does, and removes it again when the write fails', async () => {
    const parent = await tempDir();
    await writeTreeAtomic(tree(1), join(parent, 'new', 'deeper', 'svc'));
    expect((await readdir(join(parent, 'new', 'deeper', 'svc'))).sort()).toEqual(['bin', 'dir0']);
    const aborted = new AbortController();
    aborted.abort();
    await expect(writeTreeAtomic(tree(1), join(parent, 'other', 'svc'), { signal: aborted.signal })).rejects.toThrow();
    expect((await readdir(parent)).sort()).toEqual(['new']);
  });

  it('refuses a parent that is a file (or has one on the way) and a parent it cannot write to', async () => {
    const parent = await tempDir();
    await writeFile(join(parent, 'file'), '');
    await expect(writeTreeAtomic(tree(1), join(parent, 'file', 'svc'))).rejects.toThrow(/file is not a folder/);
    await expect(writeTreeAtomic(tree(1), join(parent, 'file', 'deeper', 'svc'))).rejects.toThrow(/file is not a folder/);
    // /proc refuses new folders even for root, so this holds wherever the tests run.
    await expect(writeTreeAtomic(tree(1), '/proc/svc')).rejects.toThrow(/cannot write in \/proc/);
  });
});
