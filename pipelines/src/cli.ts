// Command front: `release` and `promote`. Parses, calls the library, prints.
// Human output goes to stdout, warnings and errors to stderr; with --json the
// report is one JSON object on stdout so workflows can read it with jq.
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { ImageRefError } from './image.js';
import { KustomizationError } from './kustomization.js';
import { promote, PromoteError } from './promote.js';
import type { PromoteReport } from './promote.js';
import { release } from './release.js';
import type { ReleaseReport } from './release.js';
import { ReleaseError } from './version.js';

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
}

const defaultIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
};

const USAGE = `Usage:
  paved release [--dry-run] [--json] [--channel <rc|beta|...>] [--tag-prefix <v>]
                [--changelog <CHANGELOG.md>] [--repo-url <url>] [--cwd <dir>]
  paved promote --env <env> --image <registry/repo[:tag]@sha256:digest>
                [--dry-run] [--json] [--deploy-dir <deploy>] [--branch <name>] [--cwd <dir>]
`;

const RELEASE_OPTIONS = {
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  channel: { type: 'string' },
  'tag-prefix': { type: 'string' },
  changelog: { type: 'string' },
  'repo-url': { type: 'string' },
  cwd: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

const PROMOTE_OPTIONS = {
  env: { type: 'string' },
  image: { type: 'string' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  'deploy-dir': { type: 'string' },
  branch: { type: 'string' },
  cwd: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

class UsageError extends Error {}

// Errors about what the user gave us (arguments, the repository's tags, the
// overlay's content) exit 2 like usage errors, as every `paved` command does;
// anything else (git failing, I/O) exits 1.
const INPUT_ERRORS = [ReleaseError, PromoteError, ImageRefError, KustomizationError];

/** Runs `release ...` or `promote ...`; returns the exit code (0 ok, 1 failure, 2 invalid usage or input). */
export async function run(argv: string[], io: Io = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'release':
        return await runRelease(rest, io);
      case 'promote':
        return await runPromote(rest, io);
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        io.stdout(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"; expected "release" or "promote"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`paved: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    io.stderr(`paved ${command ?? ''}: ${error instanceof Error ? error.message : String(error)}\n`);
    return INPUT_ERRORS.some((kind) => error instanceof kind) ? 2 : 1;
  }
}

function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

async function runRelease(args: string[], io: Io): Promise<number> {
  const values = parse(args, RELEASE_OPTIONS);
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  const report = await release({
    cwd: values.cwd ?? io.cwd,
    dryRun: values['dry-run'] ?? false,
    channel: values.channel ?? null,
    ...(values['tag-prefix'] !== undefined ? { tagPrefix: values['tag-prefix'] } : {}),
    ...(values.changelog !== undefined ? { changelogFile: values.changelog } : {}),
    ...(values['repo-url'] !== undefined ? { repoUrl: values['repo-url'] } : {}),
  });
  for (const warning of report.warnings) io.stderr(`warning: ${warning}\n`);
  if (values.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else io.stdout(describeRelease(report));
  return 0;
}

function describeRelease(report: ReleaseReport): string {
  if (report.version === null) return `No release: ${report.reason ?? 'nothing to release'}.\n`;
  const from = report.previousTag ? ` (after ${report.previousTag}, ${report.releaseType ?? ''} bump)` : ' (first release)';
  const head = report.released
    ? `Released ${report.version}${from}: committed ${report.changelogFile ?? ''} as ${report.commit?.slice(0, 12) ?? ''} and tagged ${report.tag ?? ''}.\nPush with: git push --atomic origin HEAD refs/tags/${report.tag ?? ''}\n`
    : `Would release ${report.version}${from} as tag ${report.tag ?? ''} (dry run: nothing written).\n`;
  return `${head}\n${report.notes}`;
}

async function runPromote(args: string[], io: Io): Promise<number> {
  const values = parse(args, PROMOTE_OPTIONS);
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (!values.env) throw new UsageError('--env <environment> is required (an overlay under deploy/overlays)');
  if (!values.image) throw new UsageError('--image <registry/repo[:tag]@sha256:digest> is required');
  const report = await promote({
    cwd: values.cwd ?? io.cwd,
    env: values.env,
    image: values.image,
    dryRun: values['dry-run'] ?? false,
    ...(values['deploy-dir'] !== undefined ? { deployDir: values['deploy-dir'] } : {}),
    ...(values.branch !== undefined ? { branch: values.branch } : {}),
  });
  if (values.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else io.stdout(describePromotion(report));
  return 0;
}

function describePromotion(report: PromoteReport): string {
  if (!report.changed) return `${report.file} already deploys ${report.image}; nothing to promote.\n`;
  const head = report.dryRun
    ? `Would update ${report.file} (dry run: nothing written):\n`
    : `Committed ${report.commit?.slice(0, 12) ?? ''} on branch ${report.branch ?? ''} (your working tree is unchanged):\n`;
  return `${head}${report.diff}`;
}
