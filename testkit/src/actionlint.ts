import type { Finding } from './finding.js';
import { run, toolFailure } from './run.js';
import { toolPath } from './tools-dir.js';

interface ActionlintError {
  message: string;
  filepath: string;
  line: number;
  column: number;
  kind: string;
}

/**
 * actionlint on workflow files. shellcheck (installed by install-tools.mjs from Debian) is
 * found on PATH, so `run:` scripts are checked too. Exit 1 means "found problems".
 */
export async function actionlint(files: string[], opts: { cwd?: string } = {}): Promise<Finding[]> {
  if (files.length === 0) throw new Error('actionlint: no workflow files given');
  const result = await run(toolPath('bin', 'actionlint'), ['-no-color', '-format', '{{json .}}', ...files], {
    cwd: opts.cwd,
  });
  if (result.code !== 0 && result.code !== 1) throw toolFailure('actionlint', result, `checking ${files.join(', ')}`);
  const errors = JSON.parse(result.stdout.trim() || '[]') as ActionlintError[];
  if (result.code === 1 && errors.length === 0) throw toolFailure('actionlint', result, 'reporting (exit 1 without findings)');
  return errors.map((e) => ({
    tool: 'actionlint',
    file: e.filepath,
    line: e.line,
    column: e.column,
    rule: e.kind,
    message: e.message,
  }));
}
