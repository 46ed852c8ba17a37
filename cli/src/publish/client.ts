import type Bottleneck from 'bottleneck';
import type { Octokit } from '@octokit/rest';
import type { ClientTuning } from './types.js';

export const DEFAULT_API_URL = 'https://api.github.com';

export interface Client {
  octokit: Octokit;
  /** Mutating API calls made so far (a retried call counts once): the re-run-changes-nothing check. */
  mutatingRequests: () => number;
}

/**
 * Octokit logs every failed request as "GET /path - 502 with id … in 12ms". Server errors and
 * dropped connections (status 500 without an answer) are shown, so a long back-off is not
 * silent; 404s are how steps ask "does it exist yet?" and are not news.
 */
function serverTrouble(warn: (line: string) => void): (line: string) => void {
  return (line) => {
    const status = Number(/ - (\d+|undefined) with id /.exec(line)?.[1]);
    if (Number.isNaN(status) || status >= 500 || status === 429) warn(`GitHub API: ${line}`);
  };
}

/**
 * Builds an Octokit with retry and throttling. Everything is imported here, lazily, so that
 * `create-service` without `--publish` never loads Octokit.
 */
export async function createClient(apiUrl: string, token: string, tuning: ClientTuning, warn: (line: string) => void): Promise<Client> {
  const [{ Octokit: Rest }, { retry }, { throttling }, bottleneck] = await Promise.all([
    import('@octokit/rest'),
    import('@octokit/plugin-retry'),
    import('@octokit/plugin-throttling'),
    // The light build has no Redis clustering code; the plugin uses the same one.
    import('bottleneck/light.js' as string) as Promise<{ default: typeof Bottleneck }>,
  ]);
  const maxWait = tuning.maxRateLimitWaitSeconds ?? 120;
  const retries = tuning.retries ?? 3;
  const timeoutMs = 60_000;
  // Waits longer than maxWait are not sat out: the step fails with a rate-limit message and
  // the user re-runs later, which the step design makes safe.
  const onLimit =
    (kind: string) =>
    (retryAfter: number, options: { method?: string; url?: string }, _octokit: unknown, retryCount: number): boolean => {
      const wait = retryCount < retries && retryAfter <= maxWait;
      warn(`GitHub ${kind} on ${options.method ?? ''} ${options.url ?? ''}: ${wait ? `waiting ${retryAfter}s and retrying` : 'giving up'}`);
      return wait;
    };
  const Octo = Rest.plugin(retry, throttling);
  let mutating = 0;
  const octokit = new Octo({
    auth: token,
    baseUrl: apiUrl.replace(/\/+$/, ''),
    userAgent: 'paved-create-service',
    log: { debug: () => {}, info: () => {}, warn: (m: string) => warn(`GitHub API: ${m}`), error: serverTrouble(warn) },
    retry: { retries, retryAfterBaseValue: tuning.retryBaseMs ?? 1000 },
    throttle: {
      onRateLimit: onLimit('rate limit'),
      onSecondaryRateLimit: onLimit('secondary rate limit'),
      retryAfterBaseValue: tuning.rateLimitUnitMs ?? 1000,
      fallbackSecondaryRateRetryAfter: 60,
      // One mutation at a time, spaced out (GitHub's advice against secondary limits).
      write: new bottleneck.default.Group({ maxConcurrent: 1, minTime: tuning.writeSpacingMs ?? 1000 }),
    },
    request: {
      // A hung connection must fail (and be retried), not block the run forever.
      fetch: (url: string | URL, init: RequestInit = {}) =>
        fetch(url, { ...init, signal: init.signal ? AbortSignal.any([init.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs) }),
    },
  }) as unknown as Octokit;
  octokit.hook.before('request', (options) => {
    if (options.method !== 'GET' && options.method !== 'HEAD') mutating += 1;
  });
  return { octokit, mutatingRequests: () => mutating };
}
