import { existsSync } from 'node:fs';
import type { Finding } from './finding.js';
import { run, toolFailure } from './run.js';
import { toolPath } from './tools-dir.js';

interface HadolintResult {
  code: string;
  column: number;
  file: string;
  level: string;
  line: number;
  message: string;
}

/**
 * hadolint on one Dockerfile with every level (error, warning, info, style) reported and no
 * config file read, so results do not depend on where the test runs.
 */
export async function hadolint(dockerfile: string): Promise<Finding[]> {
  if (!existsSync(dockerfile)) throw new Error(`hadolint: ${dockerfile} does not exist`);
  const result = await run(toolPath('bin', 'hadolint'), [
    '--no-color',
    '--format',
    'json',
    '--failure-threshold',
    'style',
    '--config',
    toolPath('hadolint.yaml'),
    dockerfile,
  ]);
  if (result.code !== 0 && result.code !== 1) throw toolFailure('hadolint', result, `linting ${dockerfile}`);
  const results = JSON.parse(result.stdout.trim() || '[]') as HadolintResult[];
  if (result.code === 1 && results.length === 0) throw toolFailure('hadolint', result, `linting ${dockerfile}`);
  return results.map((r) => ({
    tool: 'hadolint',
    file: r.file,
    line: r.line,
    column: r.column,
    rule: r.code,
    message: `${r.level}: ${r.message}`,
  }));
}
