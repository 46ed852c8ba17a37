/**
 * The repository's own modules import each other without cycles (a cycle makes load order
 * matter and hides which module owns what). Static and dynamic imports and `export … from`
 * of relative modules, type-only ones included, across every workspace's src.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SOURCES = ['naming/src', 'frame/src', 'cli/src', 'pipelines/src', 'platform/src', 'testkit/src'];
const IMPORT = /(?:import|export)[^'"]*?from\s*'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g;

/** Module → the relative modules it imports, for every .ts file below the folders. */
function importGraph(folders: string[]): Map<string, string[]> {
  const files = folders.flatMap((folder) =>
    readdirSync(join(REPO, folder), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
      .map((file) => join(REPO, folder, file)),
  );
  const known = new Set(files);
  return new Map(
    files.map((file) => {
      const targets = [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((m) => join(dirname(file), (m[1] ?? m[2]!).replace(/\.js$/, '.ts')));
      return [file, targets.filter((target) => known.has(target))];
    }),
  );
}

/** Every cycle, each as the chain of modules that closes it. */
function cycles(graph: Map<string, string[]>): string[] {
  const found: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (module: string): void => {
    if (state.get(module) === 'open') {
      found.push([...path.slice(path.indexOf(module)), module].map((m) => relative(REPO, m)).join(' -> '));
      return;
    }
    if (state.get(module) === 'done') return;
    state.set(module, 'open');
    path.push(module);
    for (const target of graph.get(module) ?? []) visit(target);
    path.pop();
    state.set(module, 'done');
  };
  for (const module of graph.keys()) visit(module);
  return found;
}

describe('imports', () => {
  it('form no cycle in any workspace', () => {
    expect(cycles(importGraph(SOURCES))).toEqual([]);
  });

  it('a cycle would be found (negative control)', () => {
    const a = join(REPO, 'a.ts');
    const b = join(REPO, 'b.ts');
    expect(
      cycles(
        new Map([
          [a, [b]],
          [b, [a]],
        ]),
      ),
    ).toEqual(['a.ts -> b.ts -> a.ts']);
  });
});
