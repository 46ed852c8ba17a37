import { mkdirSync, readdirSync, renameSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { PavedError, UsageError } from '@paved/frame';
import { sortedEntries, type FileTree } from './file-tree.js';

export interface WriteOptions {
  /** Aborting (Ctrl-C) stops the write; the temporary folder is removed and nothing is left. */
  signal?: AbortSignal;
  /** Runs inside the finished temporary folder before it is moved into place (git init and commit). */
  finish?: (dir: string) => Promise<void>;
  /** Called after each file is written; tests use it to inject a failure mid-write. */
  afterFile?: (path: string) => void | Promise<void>;
}

/**
 * Refuses targets that would lose data or cannot be written, before any work is done. Like
 * the writes below, synchronous: a CLI waiting on one small call at a time gains nothing from
 * a thread-pool round trip each.
 */
export async function checkTarget(target: string): Promise<void> {
  const parent = dirname(target);
  // A missing parent is created when the service is written (as create-vite does), so what
  // must hold is that the nearest folder that exists on the way is a folder.
  let existing = parent;
  let existingStat = statOrUndefined(existing);
  while (existingStat === undefined && dirname(existing) !== existing) {
    existing = dirname(existing);
    existingStat = statOrUndefined(existing);
  }
  if (existingStat !== undefined && !existingStat.isDirectory()) throw new UsageError(`${existing} is not a folder`, 'pass a folder with --dir');
  if (existing !== parent) return;
  const targetStat = statOrUndefined(target);
  if (targetStat === undefined) return;
  if (!targetStat.isDirectory()) {
    throw new UsageError(`${target} already exists and is a file`, 'choose another service name or --dir');
  }
  if (readdirSync(target).length > 0) {
    throw new UsageError(
      `${target} already exists and is not empty; create-service never overwrites files`,
      'choose another service name or --dir, or remove that folder',
    );
  }
}

/**
 * Writes the tree to `target` atomically: everything goes into a temporary sibling folder
 * which is renamed into place at the end, so a failure or Ctrl-C at any point leaves nothing
 * behind, and readers never see a half-written service.
 */
export async function writeTreeAtomic(tree: FileTree, target: string, options: WriteOptions = {}): Promise<void> {
  await checkTarget(target);
  const parent = dirname(target);
  let temp: string;
  // The first folder this write created on the way to the parent: removed again on failure.
  let createdParent: string | undefined;
  try {
    createdParent = mkdirSync(parent, { recursive: true });
    // Not mkdtemp: its folder is 0700 whatever the umask, and the rename makes it the service's
    // folder. A plain mkdir gets the mode every other folder the user makes gets.
    // (pid and time make the name unique: node:crypto's randomness would cost 3 ms to load)
    temp = join(parent, `.${basename(target)}.tmp-${process.pid}-${Date.now().toString(36)}`);
    mkdirSync(temp);
  } catch (cause) {
    if (createdParent) await rm(createdParent, { recursive: true, force: true });
    const code = (cause as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(`cannot write in ${parent} (${code})`, 'pass a folder you can write to with --dir');
  }
  try {
    const made = new Set<string>();
    for (const [path, file] of sortedEntries(tree)) {
      options.signal?.throwIfAborted();
      const full = join(temp, path);
      const dir = dirname(full);
      if (!made.has(dir)) {
        mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      // Synchronous: one small file at a time is faster than a thread-pool round trip each.
      // The mode goes through the user's umask, as for any file a tool creates.
      writeFileSync(full, file.contents, { mode: file.mode });
      await options.afterFile?.(path);
    }
    options.signal?.throwIfAborted();
    await options.finish?.(temp);
    options.signal?.throwIfAborted();
    moveIntoPlace(temp, target);
  } catch (error) {
    await rm(createdParent ?? temp, { recursive: true, force: true });
    throw error;
  }
}

function moveIntoPlace(temp: string, target: string): void {
  try {
    // rename(2) replaces an empty folder atomically and fails on a non-empty one, so a
    // folder that filled up while we were writing is still never overwritten.
    renameSync(temp, target);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR') {
      throw new UsageError(
        `${target} appeared while the service was being generated and is not empty; nothing was written`,
        'choose another service name or --dir',
      );
    }
    throw new PavedError(`cannot move the generated service into ${target}: ${(cause as Error).message}`, { cause });
  }
}

/** Any reason a path cannot be looked at (missing, no permission, a file on the way) reads as "not there". */
function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}
