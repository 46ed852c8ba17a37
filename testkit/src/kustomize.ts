import { run } from './run.js';
import { toolPath } from './tools-dir.js';

/** `kustomize build DIR`: the rendered YAML stream, or an error carrying kustomize's stderr. */
export async function kustomizeBuild(dir: string): Promise<string> {
  const result = await run(toolPath('bin', 'kustomize'), ['build', dir]);
  if (result.code !== 0) {
    throw new Error(`kustomize build ${dir} failed (exit ${result.code}):\n${result.stderr.trim() || result.stdout.trim()}`);
  }
  return result.stdout;
}
