import { helpText, parseFlags, reportError, type Io, PavedError, UsageError } from '@paved/frame';
import { formatReport } from './report.js';
import { checkVisibility, publishService } from './publish.js';
import { type ClientTuning, type PublishReport, type Visibility } from './types.js';
import { redact } from './explain.js';

/** The shared Io's streams and environment, and shorter waits for tests. */
export type CommandIo = Pick<Io, 'stdout' | 'stderr' | 'env'> & { tuning?: ClientTuning };

export const PUBLISH_HELP = helpText({
  usage: 'paved publish [<dir>] --owner <owner> [options]',
  about: `Creates (or adopts an empty) GitHub repository for a generated service, pushes main, and
sets it up the way the platform expects: a ruleset on the default branch (pull requests,
code-owner approval, the ci check, linear history, no force pushes), the owning team's
access, environments staging and production (production needs the team's approval and
deploys from main only) and the Actions variables the workflows read. Safe to re-run:
only what differs is changed. <dir> defaults to the current directory.`,
  options: `      --owner <owner>       organisation (or your own user) that will own the repository
      --visibility <v>      private (default for new repositories) | internal | public
      --api-url <url>       REST API root; GitHub Enterprise Server: https://HOST/api/v3
                            (default: $GITHUB_API_URL, else https://api.github.com)
      --dry-run             show what would change, change nothing
      --json                print the report as JSON
  -h, --help                show this help

Token: $GITHUB_TOKEN or $GH_TOKEN (Enterprise Server also $GH_ENTERPRISE_TOKEN), else the
gh CLI's login (gh auth login). It is sent to git only through the environment, never
written to disk, the remote URL or an argument list.
  classic token scopes:  repo, workflow, read:org
  fine-grained token:    resource owner = the --owner; repository access "All repositories"
                         (a new repository cannot be selected in advance); repository
                         permissions Administration, Contents, Workflows, Variables (read
                         and write), Metadata (read); organisation permission Members (read)
  You need admin rights on the new repository (creating it gives them) and must be able to
  see the owning team; creating repositories in an organisation may be limited to owners.`,
  examples: [
    'paved publish --owner acme --dry-run',
    'paved publish services/orders --owner acme --visibility internal',
    'GITHUB_TOKEN=$(gh auth token) paved publish --owner acme --json',
  ],
  json: true,
  footer: 'Exit 1 also when some steps failed or are left: the report says which; re-run to finish.',
});

export { checkOwner, checkVisibility } from './publish.js';

export interface PublishRequest {
  dir: string;
  owner: string;
  visibility?: Visibility | undefined;
  apiUrl?: string | undefined;
  dryRun: boolean;
}

/**
 * The publish step both `paved publish` and `create-service --publish` run: progress on
 * stderr, the report printed as text or JSON (or not at all, for a caller that prints it
 * inside its own JSON), the token redacted from everything written. An error the user can act
 * on is printed and gives its exit code, with no report.
 */
export async function publishAndReport(
  request: PublishRequest,
  io: CommandIo,
  print: 'text' | 'json' | 'none',
): Promise<{ report: PublishReport | null; code: number }> {
  const secret = io.env.GITHUB_TOKEN ?? io.env.GH_TOKEN ?? '';
  const say = (stream: NodeJS.WritableStream, text: string) => stream.write(redact(text, secret));
  try {
    const report = await publishService({
      dir: request.dir,
      owner: request.owner,
      ...(request.visibility === undefined ? {} : { visibility: request.visibility }),
      apiUrl: request.apiUrl ?? io.env.GITHUB_API_URL ?? 'https://api.github.com',
      dryRun: request.dryRun,
      env: io.env,
      ...(io.tuning === undefined ? {} : { tuning: io.tuning }),
      log: print === 'text' ? (line) => say(io.stderr, `${line}\n`) : () => {},
    });
    if (print !== 'none') say(io.stdout, print === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    return { report, code: report.ok ? 0 : 1 };
  } catch (error) {
    if (error instanceof PavedError) {
      const redacted = new PavedError(redact(error.message, secret), { exitCode: error.exitCode, ...(error.hint ? { hint: redact(error.hint, secret) } : {}) });
      return { report: null, code: reportError(redacted, io, 'paved publish', print === 'json') };
    }
    throw error;
  }
}

const OPTIONS = {
  owner: { type: 'string' },
  visibility: { type: 'string' },
  'api-url': { type: 'string' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `paved publish`: flags in, report out, exit code back. */
export async function runPublishCommand(argv: string[], io: CommandIo): Promise<number> {
  try {
    const { values, positionals } = parseFlags(argv, OPTIONS, 'paved publish');
    if (values.help) {
      io.stdout.write(PUBLISH_HELP);
      return 0;
    }
    if (values.owner === undefined)
      throw new UsageError('--owner is required: the organisation or user that will own the repository', 'e.g. paved publish --owner acme');
    if (positionals.length > 1) throw new UsageError(`expected at most one directory, got ${positionals.length}: ${positionals.join(' ')}`);
    const request: PublishRequest = {
      dir: positionals[0] ?? '.',
      owner: values.owner,
      visibility: checkVisibility(values.visibility),
      apiUrl: values['api-url'],
      dryRun: values['dry-run'] === true,
    };
    return (await publishAndReport(request, io, values.json ? 'json' : 'text')).code;
  } catch (error) {
    if (error instanceof PavedError) return reportError(error, io, 'paved publish', argv.includes('--json'));
    throw error;
  }
}
