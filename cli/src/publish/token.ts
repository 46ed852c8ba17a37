import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { UsageError } from '@paved/frame';
import { runProcess } from '../process.js';

export interface FoundToken {
  token: string;
  /** Where it came from, for messages (never the token itself). */
  source: string;
}

/** The host gh and git know the server by: github.com for the public API, else the GHES host. */
export function hostOfApi(apiUrl: string): string {
  const host = new URL(apiUrl).host;
  return host === 'api.github.com' ? 'github.com' : host;
}

/**
 * The token, first found wins: GITHUB_TOKEN, GH_TOKEN (for github.com), GH_ENTERPRISE_TOKEN /
 * GITHUB_ENTERPRISE_TOKEN (for an Enterprise Server host, as gh does), then the gh CLI's stored
 * login for that host (`gh auth token`, which also reads the system keyring), then gh's
 * hosts.yml when gh itself is not installed.
 */
export async function findToken(apiUrl: string, env: NodeJS.ProcessEnv): Promise<FoundToken> {
  const host = hostOfApi(apiUrl);
  const names = host === 'github.com' ? ['GITHUB_TOKEN', 'GH_TOKEN'] : ['GITHUB_TOKEN', 'GH_TOKEN', 'GH_ENTERPRISE_TOKEN', 'GITHUB_ENTERPRISE_TOKEN'];
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return { token: value, source: `$${name}` };
  }
  const fromGh = await ghAuthToken(host, env);
  if (fromGh !== undefined) return { token: fromGh, source: `gh auth token --hostname ${host}` };
  const fromFile = await ghHostsFile(host, env);
  if (fromFile !== undefined) return fromFile;
  throw new UsageError(
    `no GitHub token found for ${host}`,
    `set GITHUB_TOKEN (or GH_TOKEN) to a token with the scopes listed in \`paved publish --help\`, or run \`gh auth login --hostname ${host}\``,
  );
}

async function ghAuthToken(host: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  // The token arrives on stdout (a pipe), never in an argument list or a file.
  const result = await runProcess('gh', ['auth', 'token', '--hostname', host], { env, timeout: 10_000 });
  const token = result.stdout.trim();
  return result.ok && token !== '' ? token : undefined;
}

async function ghHostsFile(host: string, env: NodeJS.ProcessEnv): Promise<FoundToken | undefined> {
  const dir = env.GH_CONFIG_DIR ?? join(env.XDG_CONFIG_HOME ?? join(env.HOME ?? homedir(), '.config'), 'gh');
  const file = join(dir, 'hosts.yml');
  let doc: unknown;
  try {
    doc = parse(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
  const entry = (doc as Record<string, unknown> | null)?.[host] as Record<string, unknown> | undefined;
  if (entry === undefined || entry === null || typeof entry !== 'object') return undefined;
  // gh ≥ 2.40 keeps the active account's token at the top and per-account ones under users.
  const users = entry.users as Record<string, Record<string, unknown> | null> | undefined;
  const user = typeof entry.user === 'string' ? entry.user : undefined;
  const token = entry.oauth_token ?? (user !== undefined ? users?.[user]?.oauth_token : undefined);
  return typeof token === 'string' && token.trim() !== '' ? { token: token.trim(), source: file } : undefined;
}
