// Command front: `release` and `promote`, on the frame every Paved command shares (flags, one
// error format, one exit-code table). Human output goes to stdout, warnings and errors to
// stderr; with --json the report (or the error) is one JSON object on stdout so workflows can
// read it with jq.
import { helpText, parseFlags, processIo, reportError, unknownCommand, UsageError, type FlagOptions, type Io } from '@paved/frame';
import { promote } from './promote.js';
import type { PromoteReport } from './promote.js';
import { release } from './release.js';
import type { ReleaseReport } from './release.js';

export type { Io } from '@paved/frame';

export const USAGE = helpText({
  usage: ['paved release [options]', 'paved promote --env <env> --image <registry/repo[:tag]@sha256:digest> [options]'],
  about: 'Release a service (next version, changelog, tag) and promote its image through GitOps.',
  optionsHeading: 'Commands',
  options: `  release    the next version from Conventional Commits since the last release tag, its
             changelog section, a commit and an annotated tag
  promote    set an overlay's image, by digest, on a new branch for a pull request

Run \`paved release --help\` or \`paved promote --help\` for a command's options.`,
  examples: ['paved release --dry-run', 'paved promote --env staging --image ghcr.io/acme/orders:1.4.0@sha256:<64 hex digits>'],
  json: true,
});

const RELEASE_HELP = helpText({
  usage: 'paved release [options]',
  about: `Computes the next version from the Conventional Commits since the last release tag reachable
from HEAD, writes its section at the top of the changelog, commits it and tags the commit
(annotated). Pushing is left to you (or the release workflow).`,
  options: `      --dry-run             compute and print the release; write, commit and tag nothing
      --json                print the report as one JSON object
      --channel <name>      a pre-release on that channel (1.3.0-rc.0, then rc.1 ...)
      --tag-prefix <p>      release tags are <p><version> (default: v; e.g. orders/v in a monorepo)
      --changelog <file>    the changelog to write (default: CHANGELOG.md)
      --repo-url <url>      base of the links in the notes (default: the CI's repository, else origin)
      --cwd <dir>           the repository (default: the current folder)
  -h, --help                show this help`,
  examples: ['paved release --dry-run', 'paved release --channel rc --json', 'paved release --tag-prefix orders/v --cwd services/orders'],
  exitCodes: [],
  json: true,
  footer: `Invalid input (exit 2) includes: not a git repository, a repository without commits, a
version that cannot be computed from the tags.`,
});

const PROMOTE_HELP = helpText({
  usage: 'paved promote --env <env> --image <registry/repo[:tag]@sha256:digest> [options]',
  about: `Sets the image, by digest, in deploy/overlays/<env>/kustomization.yaml and commits that on a
new branch (paved/promote-<env>-<digest prefix>) without touching your checkout; push it and
open a pull request to deploy through GitOps.`,
  options: `      --env <env>           the overlay (and GitHub environment) to promote to, e.g. staging
      --image <ref>         the image by digest, as the container workflow prints it
      --dry-run             print the change; commit nothing
      --json                print the report as one JSON object
      --deploy-dir <dir>    the folder holding base/ and overlays/ (default: deploy)
      --branch <name>       the branch to commit on (default: paved/promote-<env>-<digest prefix>)
      --cwd <dir>           the repository (default: the current folder)
  -h, --help                show this help`,
  examples: [
    'paved promote --env staging --image ghcr.io/acme/orders:1.4.0@sha256:<64 hex digits> --dry-run',
    'paved promote --env prod --image "$IMAGE" --branch promote/prod --json',
  ],
  json: true,
  footer: `Invalid input (exit 2) includes: not a git repository, an image without a digest, an
overlay that does not exist or does not deploy that image.`,
});

const RELEASE_OPTIONS = {
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  channel: { type: 'string' },
  'tag-prefix': { type: 'string' },
  changelog: { type: 'string' },
  'repo-url': { type: 'string' },
  cwd: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies FlagOptions;

const PROMOTE_OPTIONS = {
  env: { type: 'string' },
  image: { type: 'string' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  'deploy-dir': { type: 'string' },
  branch: { type: 'string' },
  cwd: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies FlagOptions;

const COMMANDS = ['release', 'promote'];

/**
 * Runs `release ...` or `promote ...`; returns the exit code from the frame's table (0 done,
 * 2 invalid usage or input, 1 anything else). Errors about what the user gave (arguments, the
 * repository's tags, the overlay's content) are UsageErrors; git failing is not.
 */
export async function run(argv: string[], io: Io = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  const name = command === 'release' || command === 'promote' ? `paved ${command}` : 'paved';
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
        io.stdout.write(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw unknownCommand(command, COMMANDS, 'paved', 'expected release or promote');
    }
  } catch (error) {
    return reportError(error, io, name, rest.includes('--json'));
  }
}

async function runRelease(args: string[], io: Io): Promise<number> {
  const { values } = parseFlags(args, RELEASE_OPTIONS, 'paved release', 0);
  if (values.help) {
    io.stdout.write(RELEASE_HELP);
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
  for (const warning of report.warnings) io.stderr.write(`warning: ${warning}\n`);
  if (values.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else io.stdout.write(describeRelease(report));
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
  const { values } = parseFlags(args, PROMOTE_OPTIONS, 'paved promote', 0);
  if (values.help) {
    io.stdout.write(PROMOTE_HELP);
    return 0;
  }
  const hint = 'run `paved promote --help` for the options';
  if (!values.env) throw new UsageError('--env <environment> is required (an overlay under deploy/overlays)', hint);
  if (!values.image) throw new UsageError('--image <registry/repo[:tag]@sha256:digest> is required', hint);
  const report = await promote({
    cwd: values.cwd ?? io.cwd,
    env: values.env,
    image: values.image,
    dryRun: values['dry-run'] ?? false,
    ...(values['deploy-dir'] !== undefined ? { deployDir: values['deploy-dir'] } : {}),
    ...(values.branch !== undefined ? { branch: values.branch } : {}),
  });
  if (values.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else io.stdout.write(describePromotion(report));
  return 0;
}

function describePromotion(report: PromoteReport): string {
  if (!report.changed) return `${report.file} already deploys ${report.image}; nothing to promote.\n`;
  const head = report.dryRun
    ? `Would update ${report.file} (dry run: nothing written):\n`
    : `Committed ${report.commit?.slice(0, 12) ?? ''} on branch ${report.branch ?? ''} (your working tree is unchanged):\n`;
  return `${head}${report.diff}`;
}
