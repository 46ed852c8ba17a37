/** Turns what went wrong into a message that says what happened and what to do. */
export interface Explained {
  message: string;
  fix: string;
  /** Worth trying again in this run (conflicts after a lost response, server errors). */
  transient: boolean;
}

interface HttpishError {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
}

const header = (e: HttpishError, name: string): string | undefined => {
  const v = e.response?.headers?.[name];
  return v === undefined ? undefined : String(v);
};

/** Scopes (classic tokens) and permissions (fine-grained tokens) GitHub says a call needs. */
function neededAccess(e: HttpishError): string {
  const parts: string[] = [];
  const has = header(e, 'x-oauth-scopes');
  const accepted = header(e, 'x-accepted-oauth-scopes');
  if (accepted) parts.push(`this call needs the classic-token scope(s) ${accepted}${has !== undefined ? ` and the token has ${has || 'none'}` : ''}`);
  const permissions = header(e, 'x-accepted-github-permissions');
  if (permissions) parts.push(`fine-grained tokens need ${permissions}`);
  return parts.join('; ');
}

function detailOf(e: HttpishError): string {
  const data = e.response?.data as { message?: unknown; errors?: unknown } | undefined;
  const base = typeof data?.message === 'string' ? data.message : (e.message ?? 'unknown error');
  const errors = Array.isArray(data?.errors)
    ? data.errors.map((x: unknown) =>
        typeof x === 'string' ? x : typeof x === 'object' && x !== null && 'message' in x ? String((x as { message: unknown }).message) : JSON.stringify(x),
      )
    : [];
  return errors.length > 0 ? `${base} (${errors.join('; ')})` : base;
}

/**
 * `action` says what we were doing ("create the repository acme/orders"). Rate limits,
 * missing scopes and permission errors get their own advice because each needs a different
 * fix; everything else keeps GitHub's own words.
 */
export function explain(error: unknown, action: string): Explained {
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as HttpishError;
  const status = typeof e.status === 'number' ? e.status : undefined;
  const detail = detailOf(e);
  const rerun = 're-run the same command: finished steps are checked, not repeated';
  if (status === undefined || (status === 500 && e.response === undefined)) {
    return { message: `could not ${action}: ${detail}`, fix: `check the network and --api-url, then ${rerun}`, transient: true };
  }
  if (status === 401) {
    return {
      message: `GitHub rejected the token while trying to ${action} (401 ${detail})`,
      fix: 'the token is wrong, expired or revoked: create a new one and set GITHUB_TOKEN, or run `gh auth login`',
      transient: false,
    };
  }
  const remaining = header(e, 'x-ratelimit-remaining');
  if ((status === 403 || status === 429) && remaining === '0') {
    const reset = Number(header(e, 'x-ratelimit-reset'));
    const when = Number.isFinite(reset) && reset > 0 ? ` (it resets at ${new Date(reset * 1000).toISOString()})` : '';
    return { message: `GitHub's API rate limit is used up, so could not ${action}${when}`, fix: `wait for the reset, then ${rerun}`, transient: false };
  }
  if ((status === 403 || status === 429) && /secondary rate limit|abuse/i.test(detail)) {
    return { message: `GitHub's secondary rate limit stopped the attempt to ${action}: ${detail}`, fix: `wait a few minutes, then ${rerun}`, transient: false };
  }
  if (status === 429) {
    return { message: `GitHub asked to slow down while trying to ${action} (429 ${detail})`, fix: `wait a minute, then ${rerun}`, transient: false };
  }
  if (status === 403 && /upgrade to github|github pro|not available for this repository|plan/i.test(detail)) {
    return {
      message: `GitHub's plan for this owner does not include what is needed to ${action} (403 ${detail})`,
      fix: 'rulesets and environment reviewers on private repositories need GitHub Team or Enterprise (Pro for personal accounts): upgrade, or publish with --visibility public, then re-run',
      transient: false,
    };
  }
  if (status === 403) {
    const needs = neededAccess(e);
    return {
      message: `GitHub refused to ${action} (403 ${detail})${needs ? `: ${needs}` : ''}`,
      fix: 'give the token the scopes/permissions listed in `paved publish --help` (or ask an organisation owner to do this step), then re-run',
      transient: false,
    };
  }
  if (status === 404) {
    const needs = neededAccess(e);
    return {
      message: `GitHub answered 404 when trying to ${action}: it does not exist or the token may not see it${needs ? ` (${needs})` : ''}`,
      fix: 'check the owner/team names; a fine-grained token must be granted the organisation and repository, a classic token needs repo and read:org',
      transient: false,
    };
  }
  if (status === 409 || status === 422) {
    return {
      message: `GitHub did not accept the request to ${action} (${status} ${detail})`,
      fix: `fix what GitHub names above, then ${rerun}`,
      transient: true,
    };
  }
  if (status >= 500) {
    return { message: `GitHub failed while trying to ${action} (${status} ${detail})`, fix: `GitHub may be having trouble; ${rerun}`, transient: true };
  }
  return { message: `could not ${action} (${status} ${detail})`, fix: rerun, transient: false };
}

/** Defence in depth: whatever text we print passes through this first. */
export function redact(text: string, secret: string): string {
  return secret.length >= 4 ? text.split(secret).join('***') : text;
}
