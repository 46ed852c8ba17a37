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
import { NotARepositoryError } from './git.js';

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

const EXIT_CODES = `Exit codes: 0 done (also when there is nothing to do), 2 invalid usage or input (not a git
repository, a version that cannot be computed, an image or overlay that cannot be promoted),
1 anything else (e.g. git failing). With --json, an error is printed as {"error": {...}} too.`;

const USAGE = `Usage:
  paved release [--dry-run] [--json] [--channel <rc|beta|...>] [--tag-prefix <v>]
                [--changelog <CHANGELOG.md>] [--repo-url <url>] [--cwd <dir>]
  paved promote --env <env> --image <registry/repo[:tag]@sha256:digest>
                [--dry-run] [--json] [--deploy-dir <deploy>] [--branch <name>] [--cwd <dir>]

Run \`paved release --help\` or \`paved promote --help\` for a command's options.
`;

const RELEASE_HELP = `Usage: paved release [options]

Computes the next version from the Conventional Commits since the last release tag reachable
from HEAD, writes its section at the top of the changelog, commits it and tags the commit
(annotated). Pushing is left to you (or the release workflow).

Options:
      --dry-run             compute and print the release; write, commit and tag nothing
      --json                print the report as one JSON object
      --channel <name>      a pre-release on that channel (1.3.0-rc.0, then rc.1 ...)
      --tag-prefix <p>      release tags are <p><version> (default: v; e.g. orders/v in a monorepo)
      --changelog <file>    the changelog to write (default: CHANGELOG.md)
      --repo-url <url>      base of the links in the notes (default: the CI's repository, else origin)
      --cwd <dir>           the repository (default: the current folder)
  -h, --help                show this help

Examples:
  paved release --dry-run
  paved release --channel rc --json

${EXIT_CODES}
`;

const PROMOTE_HELP = `Usage: paved promote --env <env> --image <registry/repo[:tag]@sha256:digest> [options]

Sets the image, by digest, in deploy/overlays/<env>/kustomization.yaml and commits that on a
new branch (paved/promote-<env>-<digest prefix>) without touching your checkout; push it and
open a pull request to deploy through GitOps.

Options:
      --env <env>           the overlay (and GitHub environment) to promote to, e.g. staging
      --image <ref>         the image by digest, as the container workflow prints it
      --dry-run             print the change; commit nothing
      --json                print the report as one JSON object
      --deploy-dir <dir>    the folder holding base/ and overlays/ (default: deploy)
      --branch <name>       the branch to commit on (default: paved/promote-<env>-<digest prefix>)
      --cwd <dir>           the repository (default: the current folder)
  -h, --help                show this help

Examples:
  paved promote --env staging --image ghcr.io/acme/orders:1.4.0@sha256:<64 hex digits> --dry-run

${EXIT_CODES}
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
const INPUT_ERRORS = [ReleaseError, PromoteError, ImageRefError, KustomizationError, NotARepositoryError];

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
    const code = error instanceof UsageError || INPUT_ERRORS.some((kind) => error instanceof kind) ? 2 : 1;
    const message = error instanceof Error ? error.message : String(error);
    // a script that asked for JSON reads an error as JSON too
    if (rest.includes('--json')) io.stdout(`${JSON.stringify({ error: { command: command ?? null, message, exitCode: code } })}\n`);
    const help = command === 'release' || command === 'promote' ? `paved ${command} --help` : 'paved --help';
    io.stderr(`paved${command ? ` ${command}` : ''}: ${message}\n${error instanceof UsageError ? `  run \`${help}\` for the options\n` : ''}`);
    return code;
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
    io.stdout(RELEASE_HELP);
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
    io.stdout(PROMOTE_HELP);
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
