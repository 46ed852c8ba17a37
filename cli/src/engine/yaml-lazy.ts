/**
 * The YAML library, loaded on first use: a scaffold of the shipped templates never needs it
 * (manifests come parsed from the build), so it stays off the start-up path.
 */
export async function loadYaml(): Promise<typeof import('yaml')> {
  const module = (await import('yaml')) as typeof import('yaml') & { default?: typeof import('yaml') };
  // Bundled, the CommonJS build arrives as a default export; under plain Node as named ones.
  return typeof module.parse === 'function' ? module : (module.default as typeof import('yaml'));
}
