import type { Finding } from './finding.js';
import { run, toolFailure } from './run.js';
import { toolPath } from './tools-dir.js';

interface ZizmorLocation {
  symbolic: { key: { Local?: { given_path?: string; verbatim_path?: string } }; annotation: string; kind: string };
  concrete: { location: { start_point: { row: number; column: number } } };
}

interface ZizmorFinding {
  ident: string;
  desc: string;
  determinations: { confidence: string; severity: string; persona: string };
  locations: ZizmorLocation[];
  ignored: boolean;
}

/**
 * zizmor in offline mode (no GitHub API: the online audits are off and no token is passed),
 * with every severity and confidence reported and any zizmor.yml ignored, so a finding can
 * only be silenced by an inline `# zizmor: ignore[...]` that reviewers see in the file.
 */
export async function zizmor(paths: string[]): Promise<Finding[]> {
  if (paths.length === 0) throw new Error('zizmor: no paths given');
  const env = { ...process.env };
  delete env.GH_TOKEN;
  delete env.GITHUB_TOKEN;
  delete env.ZIZMOR_GITHUB_TOKEN;
  const result = await run(toolPath('bin', 'zizmor'), ['--offline', '--no-config', '--no-progress', '--color=never', '--format=json', ...paths], { env });
  // 0: nothing found; 10-14: findings by highest severity; anything else is a failure.
  if (result.code !== 0 && !(result.code >= 10 && result.code <= 14)) {
    throw toolFailure('zizmor', result, `auditing ${paths.join(', ')}`);
  }
  const findings = JSON.parse(result.stdout.trim() || '[]') as ZizmorFinding[];
  return findings
    .filter((f) => !f.ignored)
    .map((f) => {
      const primary = f.locations.find((l) => l.symbolic.kind === 'Primary') ?? f.locations[0];
      const local = primary?.symbolic.key.Local;
      const start = primary?.concrete.location.start_point;
      return {
        tool: 'zizmor',
        file: local?.given_path ?? local?.verbatim_path ?? paths.join(','),
        line: start === undefined ? undefined : start.row + 1,
        column: start === undefined ? undefined : start.column + 1,
        rule: f.ident,
        message: `${f.desc}${primary ? `: ${primary.symbolic.annotation}` : ''} (severity ${f.determinations.severity}, confidence ${f.determinations.confidence})`,
      };
    });
}
