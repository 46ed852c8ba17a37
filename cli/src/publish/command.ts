import { parseArgs } from 'node:util';
import { PavedError, UsageError } from '../errors.js';
import { formatReport } from './report.js';
import { publishService } from './publish.js';
import { VISIBILITIES, type ClientTuning, type Visibility } from './types.js';
import { redact } from './explain.js';

export interface CommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Shorter waits for tests. */
  tuning?: ClientTuning;
}

export const PUBLISH_HELP = `Usage: paved publish [<dir>] --owner <owner> [options]

Creates (or adopts an empty) GitHub repository for a generated service, pushes main, and
sets it up the way the platform expects: a ruleset on the default branch (pull requests,
code-owner approval, the ci check, linear history, no force pushes), the owning team's
access, environments staging and production (production needs the team's approval and
deploys from main only) and the Actions variables the workflows read. Safe to re-run:
only what differs is changed. <dir> defaults to the current directory.

Options:
  --owner <owner>         organisation (or your own user) that will own the repository
  --visibility <v>        private (default for new repositories) | internal | public
  --api-url <url>         REST API root; GitHub Enterprise Server: https://HOST/api/v3
                          (default: $GITHUB_API_URL, else https://api.github.com)
  --dry-run               show what would change, change nothing
  --json                  print the report as JSON
  -h, --help              this help

Token: $GITHUB_TOKEN or $GH_TOKEN (Enterprise Server also $GH_ENTERPRISE_TOKEN), else the
gh CLI's login (gh auth login). It is sent to git only through the environment, never
written to disk, the remote URL or an argument list.
  classic token scopes:  repo, workflow, read:org
  fine-grained token:    resource owner = the --owner; repository access "All repositories"
                         (a new repository cannot be selected in advance); repository
                         permissions Administration, Contents, Workflows, Variables (read
                         and write), Metadata (read); organisation permission Members (read)
  You need admin rights on the new repository (creating it gives them) and must be able to
  see the owning team; creating repositories in an organisation may be limited to owners.

Exit status: 0 published, 1 some steps failed or are left (re-run to finish), 2 bad input.
`;

/** `paved publish` and `create-service --publish`'s second half: flags in, report out, exit code back. */
export async function runPublishCommand(argv: string[], io: CommandIo): Promise<number> {
  let secret = '';
  const say = (stream: NodeJS.WritableStream, text: string) => stream.write(redact(text, secret));
  try {
    const { values, positionals } = parseFlags(argv);
    if (values.help) {
      say(io.stdout, PUBLISH_HELP);
      return 0;
    }
    if (values.owner === undefined) throw new UsageError('--owner is required: the organisation or user that will own the repository', 'e.g. paved publish --owner acme');
    if (positionals.length > 1) throw new UsageError(`expected at most one directory, got ${positionals.length}: ${positionals.join(' ')}`);
    if (values.visibility !== undefined && !VISIBILITIES.includes(values.visibility as Visibility)) {
      throw new UsageError(`--visibility ${JSON.stringify(values.visibility)} is not one of ${VISIBILITIES.join(', ')}`);
    }
    secret = io.env.GITHUB_TOKEN ?? io.env.GH_TOKEN ?? '';
    const report = await publishService({
      dir: positionals[0] ?? '.',
      owner: values.owner,
      ...(values.visibility === undefined ? {} : { visibility: values.visibility as Visibility }),
      apiUrl: values['api-url'] ?? io.env.GITHUB_API_URL ?? 'https://api.github.com',
      dryRun: values['dry-run'] === true,
      env: io.env,
      ...(io.tuning === undefined ? {} : { tuning: io.tuning }),
      log: values.json ? () => {} : (line) => say(io.stderr, `${line}\n`),
    });
    say(io.stdout, values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    return report.ok ? 0 : 1;
  } catch (error) {
    if (error instanceof PavedError) {
      say(io.stderr, `paved publish: ${error.message}\n${error.hint ? `  → ${error.hint}\n` : ''}`);
      return error.exitCode;
    }
    throw error;
  }
}

function parseFlags(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        owner: { type: 'string' },
        visibility: { type: 'string' },
        'api-url': { type: 'string' },
        'dry-run': { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}`, 'see `paved publish --help`');
  }
}
