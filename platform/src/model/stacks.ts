// Stack boundaries. Pulumi costs roughly 1 ms and 100 KB per resource, so a
// stack must stay small: one stack per environment and shard, with each team
// placed in a shard by a stable hash of its id. Adding or removing a team never
// moves another team; changing the shard count does (see README).

/** FNV-1a: tiny, stable across Node versions and platforms. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export const shardOf = (teamId: string, shards: number): number => fnv1a(teamId) % shards;

export function stackName(env: string, shard: number, shards: number): string {
  return shards === 1 ? env : `${env}-s${String(shard).padStart(String(shards - 1).length, '0')}`;
}

export interface StackSlot {
  stack: string;
  environment: string;
  shard: number;
}

/**
 * Every stack of the platform, in rollout order: environments as platform.yaml lists them,
 * then shards. A stack whose shard has no team is still one: running it removes what it held.
 */
export function allStacks(environments: ReadonlyArray<{ name: string }>, shards: number): StackSlot[] {
  return environments.flatMap((env) =>
    Array.from({ length: shards }, (_, shard) => ({ stack: stackName(env.name, shard, shards), environment: env.name, shard })),
  );
}
