// One identity for every spelling git accepts for the same repository, so "a repository
// belongs to one team" cannot be bypassed by writing another team's repository differently:
// https or ssh or scp-like (git@host:org/repo), with a user or a port, a trailing "/" or
// ".git", the host in capitals, "//" or "./" and "../" segments, a fragment or query.

/** A URL's scheme (group 1) and user information (group 2, before the "@"). */
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)@/i;

/** host/path, lowercased, for comparing repositories; undefined when `url` is no git URL. */
export function repositoryIdentity(url: string): string | undefined {
  let host: string;
  let path: string;
  const scp = /^(?:[^@/:]+@)?([^/:]+):(?!\/\/)(.+)$/.exec(url);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return undefined;
    }
    host = parsed.hostname;
    // URL resolves "." and ".." segments and keeps the path apart from query and fragment
    path = decodeURIComponent(parsed.pathname);
  } else if (scp) {
    [, host, path] = scp as unknown as [string, string, string];
    path = new URL(`ssh://h/${path}`).pathname;
  } else return undefined;
  const segments = path
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.')
    .join('/')
    .replace(/\.git$/i, '');
  return `${host.toLowerCase()}/${segments.toLowerCase()}`;
}

/**
 * A credential in a repository URL (https://user:token@host/..., or a password in ssh://), or
 * undefined. Argo CD reads repositories with credentials of its own; one in a team file would
 * be in git for everyone to read.
 */
export function credentialIn(url: string): string | undefined {
  const userinfo = USERINFO.exec(url)?.[2];
  if (userinfo === undefined) return undefined;
  if (userinfo.includes(':')) return 'a user name and password (or token)';
  // over http(s) a user name alone is how tokens are passed (https://<token>@host/...)
  return /^https?:/i.test(url) ? 'a user name (over https, how a token is passed)' : undefined;
}

/** The URL with any user information replaced, for messages: never print a credential. */
export const redactCredential = (url: string): string => url.replace(USERINFO, '$1***@');

/** The URL without its user information. */
export const withoutCredential = (url: string): string => url.replace(USERINFO, '$1');
