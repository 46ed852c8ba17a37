/**
 * The feature combinations a template can be generated with: every subset of its features
 * that holds what each chosen feature requires (`events` only with `postgres`), the empty one
 * first. The artifact checks, the toolchain matrix and the cluster test all walk this list,
 * so a new feature is covered by being declared.
 */
import { loadTemplate, type Manifest } from '../../src/engine/index.js';
import { TEMPLATES_ROOT } from './harness.js';

export function featureCombinations(manifest: Pick<Manifest, 'features'>): string[][] {
  const ids = manifest.features.map((f) => f.id);
  const combinations: string[][] = [];
  for (let mask = 0; mask < 1 << ids.length; mask += 1) {
    const chosen = ids.filter((_, i) => (mask & (1 << i)) !== 0);
    const complete = manifest.features.every((f) => !chosen.includes(f.id) || (f.requires ?? []).every((r) => chosen.includes(r)));
    if (complete) combinations.push(chosen);
  }
  return combinations.sort((a, b) => a.length - b.length);
}

/** "without features" or "with postgres+events": how a test names a combination. */
export const combinationLabel = (features: readonly string[]): string => (features.length === 0 ? 'without features' : `with ${features.join('+')}`);

/** The combinations of a template with at least one feature, as [label, features] for describe.each. */
export async function featuredCombinations(templateId: string): Promise<(readonly [string, readonly string[]])[]> {
  const { manifest } = await loadTemplate(templateId, TEMPLATES_ROOT);
  return featureCombinations(manifest)
    .filter((features) => features.length > 0)
    .map((features) => [combinationLabel(features), features] as const);
}
