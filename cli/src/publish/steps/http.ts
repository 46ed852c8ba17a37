/** Small helpers shared by the steps. */

export function statusOf(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'status' in error && typeof error.status === 'number' ? error.status : undefined;
}

/** Runs a read and maps 404 to undefined: "does it exist yet?" */
export async function ifExists<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

/** "field: old → new" lines for every desired field that differs. */
export function fieldChanges(actual: Record<string, unknown>, desired: Record<string, unknown>): string[] {
  return Object.entries(desired)
    .filter(([key, value]) => JSON.stringify(actual[key]) !== JSON.stringify(value))
    .map(([key, value]) => `${key}: ${JSON.stringify(actual[key] ?? null)} → ${JSON.stringify(value)}`);
}
