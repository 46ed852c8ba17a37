import { resolve } from 'node:path';
import { UsageError } from '@paved/frame';
import { createClient, DEFAULT_API_URL } from './client.js';
import { assertSafeTransport } from './git-remote.js';
import { runSteps } from './runner.js';
import { readService } from './service.js';
import { environmentsStep } from './steps/environments.js';
import { pushStep } from './steps/push.js';
import { repositoryStep } from './steps/repository.js';
import { rulesetStep } from './steps/ruleset.js';
import { teamAccessStep } from './steps/team.js';
import { variablesStep } from './steps/variables.js';
import { findToken } from './token.js';
import { VISIBILITIES, type PublishContext, type PublishOptions, type PublishReport, type Step, type Visibility } from './types.js';

/** In order: each step may rely on the ones before it (see `needs`). */
export const STEPS: readonly Step[] = [repositoryStep, pushStep, rulesetStep, teamAccessStep, environmentsStep, variablesStep];

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;

/**
 * Publishes a generated service: repository, first push, ruleset, team access,
 * environments, variables. Safe to re-run: every step compares first and changes only what
 * differs. Problems with the inputs (directory, owner, token) throw a PavedError before
 * anything is sent; problems on GitHub's side are reported per step in the result.
 */
/** A checked owner (GitHub's rule for user and organisation names), or a usage error saying the rule. */
export function checkOwner(owner: string): string {
  if (!OWNER.test(owner))
    throw new UsageError(
      `--owner ${JSON.stringify(owner)} is not a GitHub user or organisation name`,
      'use letters, digits and single hyphens, at most 39 characters',
    );
  return owner;
}

/** A checked --visibility value, or a usage error that lists the allowed ones. */
export function checkVisibility(value: string | undefined): Visibility | undefined {
  if (value !== undefined && !VISIBILITIES.includes(value as Visibility)) {
    throw new UsageError(`--visibility ${JSON.stringify(value)} is not one of ${VISIBILITIES.join(', ')}`);
  }
  return value as Visibility | undefined;
}

export async function publishService(options: PublishOptions): Promise<PublishReport> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => {});
  const apiUrl = (options.apiUrl ?? DEFAULT_API_URL).replace(/\/+$/, '');
  checkOwner(options.owner);
  checkVisibility(options.visibility);
  try {
    new URL(apiUrl);
  } catch {
    throw new UsageError(`--api-url ${JSON.stringify(apiUrl)} is not a URL`, 'for GitHub Enterprise Server use https://HOST/api/v3');
  }
  assertSafeTransport(apiUrl, 'the API at');

  const dir = resolve(options.dir);
  const service = await readService(dir);
  if (service.slug !== undefined && service.slug.owner.toLowerCase() !== options.owner.toLowerCase()) {
    throw new UsageError(
      `catalog-info.yaml names the repository ${service.slug.owner}/${service.slug.repo} (github.com/project-slug) but --owner is ${options.owner}`,
      `pass --owner ${service.slug.owner}, or change the annotation, commit, and re-run (Backstage must point at the real repository)`,
    );
  }
  const repo = service.slug?.repo ?? service.name;
  const token = options.token ?? (await findToken(apiUrl, env)).token;
  const client = await createClient(apiUrl, token, options.tuning ?? {}, log);

  const ctx: PublishContext = {
    octokit: client.octokit,
    service,
    owner: options.owner,
    repo,
    ...(options.visibility === undefined ? {} : { visibility: options.visibility }),
    dryRun: options.dryRun === true,
    token,
    env,
  };
  const steps = await runSteps([...STEPS], ctx, (step) => log(`${step.status.padEnd(12)} ${step.title}${step.message ? `: ${step.message}` : ''}`));
  return {
    ok: steps.every((s) => s.status !== 'failed' && s.status !== 'not-run'),
    dryRun: ctx.dryRun,
    owner: ctx.owner,
    repo,
    apiUrl,
    ...(ctx.repository === undefined ? {} : { htmlUrl: ctx.repository.htmlUrl }),
    steps,
    mutatingRequests: client.mutatingRequests(),
  };
}
