/** A rendered service in memory: relative POSIX path → contents and mode. Nothing touches disk until it is written. */
export interface TreeFile {
  contents: Buffer;
  /** 0o755 for executables, 0o644 otherwise (git records nothing finer). */
  mode: number;
}

export type FileTree = Map<string, TreeFile>;

/** The same tree with paths in a stable order, so output and commits are reproducible. */
export function sortedEntries(tree: FileTree): [string, TreeFile][] {
  return [...tree.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export function treeSize(tree: FileTree): number {
  let total = 0;
  for (const file of tree.values()) total += file.contents.length;
  return total;
}
