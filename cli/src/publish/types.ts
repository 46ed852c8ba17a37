import type { Octokit } from '@octokit/rest';
import type { ServiceInfo } from './service.js';

/** Who may see the repository. `internal` exists only for organisations in a GitHub enterprise. */
export type Visibility = 'private' | 'internal' | 'public';
export const VISIBILITIES: readonly Visibility[] = ['private', 'internal', 'public'];

/** Knobs for the HTTP client; tests shrink the waits so fault injection stays fast. */
export interface ClientTuning {
  /** Retries after 5xx, dropped connections and plain 429s (default 3). */
  retries?: number;
  /** Milliseconds per unit of back-off: retry n waits n² units (default 1000). */
  retryBaseMs?: number;
  /** Milliseconds per second of `retry-after` / rate-limit reset (default 1000). */
  rateLimitUnitMs?: number;
  /** Longest rate-limit wait, in seconds, that is worth sitting out before giving up (default 120). */
  maxRateLimitWaitSeconds?: number;
  /** Minimum gap between mutating requests, GitHub's advice against secondary limits (default 1000). */
  writeSpacingMs?: number;
}

export interface PublishOptions {
  /** The generated service (holds catalog-info.yaml, .paved/answers.yaml and a git repository). */
  dir: string;
  /** Organisation or user that will own the repository. */
  owner: string;
  visibility?: Visibility;
  /** REST API root: https://api.github.com (default) or https://HOST/api/v3 for GitHub Enterprise Server. */
  apiUrl?: string;
  /** Inspect and report what would change, change nothing (not even the local git remote). */
  dryRun?: boolean;
  /** Token; when absent it is looked up from the environment and the gh CLI (see token.ts). */
  token?: string;
  /** Environment used for token lookup and for running git (defaults to process.env). */
  env?: NodeJS.ProcessEnv;
  tuning?: ClientTuning;
  /** Progress lines for humans (one per finished step); never receives secrets. */
  log?: (line: string) => void;
}

export type StepId = 'repository' | 'push' | 'ruleset' | 'team-access' | 'environments' | 'variables';

/**
 * unchanged: already as desired; changed: this run made it so; would-change: dry run found a
 * difference; skipped: does not apply (e.g. teams for a user-owned repository); failed: see
 * message/fix; not-run: a step it depends on did not finish.
 */
export type StepStatus = 'unchanged' | 'changed' | 'would-change' | 'skipped' | 'failed' | 'not-run';

export interface StepReport {
  id: StepId;
  title: string;
  status: StepStatus;
  /** What was (or would be) changed, one line each. */
  changes: string[];
  /** Why it was skipped / failed / not run. */
  message?: string;
  /** What the user can do about a failure. */
  fix?: string;
}

export interface PublishReport {
  ok: boolean;
  dryRun: boolean;
  owner: string;
  repo: string;
  apiUrl: string;
  htmlUrl?: string;
  steps: StepReport[];
  /** Mutating REST calls made (POST/PUT/PATCH/DELETE); a retried call counts once. */
  mutatingRequests: number;
}

/** What a step found when it compared GitHub with the desired state. */
export type Inspection =
  | { kind: 'in-sync'; detail?: string }
  | { kind: 'skip'; reason: string }
  /** apply is absent only in a dry run, where the repository does not exist yet to look at. */
  | { kind: 'change'; changes: string[]; apply?: () => Promise<void> };

export interface Step {
  id: StepId;
  title: string;
  /** What the step does, for error messages: "could not <action>". */
  action: string;
  /** Steps that must have finished (unchanged or changed) first. */
  needs: StepId[];
  /** Reads current state (GET only) and says what differs; `apply` makes it so. */
  inspect: (ctx: PublishContext) => Promise<Inspection>;
}

/** Everything the steps share for one run. */
export interface PublishContext {
  octokit: Octokit;
  service: ServiceInfo;
  owner: string;
  repo: string;
  /** Found by the repository step. */
  ownerType?: 'Organization' | 'User';
  /** The owner's numeric id (user-owned repositories use it as the production reviewer). */
  ownerId?: number;
  /** Requested visibility; when absent new repositories are private and existing ones keep theirs. */
  visibility?: Visibility;
  dryRun: boolean;
  token: string;
  env: NodeJS.ProcessEnv;
  /** Set by the repository step once the repository exists (undefined in a dry run before creation). */
  repository?: RepositoryFacts;
}

export interface RepositoryFacts {
  id: number;
  htmlUrl: string;
  cloneUrl: string;
  defaultBranch: string;
  /** This run created it (so a dry run or report can say so). */
  created: boolean;
}
