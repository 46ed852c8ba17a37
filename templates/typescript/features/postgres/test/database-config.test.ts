import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { testEnv } from './helpers.ts';

const PASSWORD = 'pa55:w/rd@%41 secret';

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(testEnv(env));
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.join('\n');
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('database configuration', () => {
  it('requires DATABASE_URL', () => {
    expect(problemsOf({ DATABASE_URL: '' })).toContain('DATABASE_URL: is required');
  });

  const secret = encodeURIComponent(PASSWORD);
  it.each([`mysql://app:${secret}@localhost/app`, `postgres://:${secret}@`, `app:${secret}@localhost:5432`, `postgres//app:${secret}@db/app`])(
    'refuses DATABASE_URL=%s without repeating its password',
    (value) => {
      const problems = problemsOf({ DATABASE_URL: value });
      expect(problems).toContain('DATABASE_URL: must be a URL starting with postgres:// or postgresql://');
      expect(problems).not.toContain(secret);
    },
  );

  it('takes DATABASE_PASSWORD in place of the URL password, whatever characters it holds', () => {
    const config = loadConfig(testEnv({ DATABASE_URL: 'postgresql://app:old@db.internal:6543/app?sslmode=verify-full', DATABASE_PASSWORD: PASSWORD }));
    const url = new URL(config.databaseUrl);
    expect(decodeURIComponent(url.password)).toBe(PASSWORD);
    expect(url.username).toBe('app');
    expect(url.host).toBe('db.internal:6543');
    expect(url.pathname).toBe('/app');
    expect(url.searchParams.get('sslmode'), 'query parameters pass through').toBe('verify-full');
  });

  it('keeps the URL as given without DATABASE_PASSWORD', () => {
    expect(loadConfig(testEnv({ DATABASE_URL: 'postgres://app@db:5432/app', DATABASE_PASSWORD: '' })).databaseUrl).toBe('postgres://app@db:5432/app');
  });

  it('reads DATABASE_POOL_MAX from 1 to 100, 10 by default', () => {
    expect(loadConfig(testEnv()).databasePoolMax).toBe(10);
    expect(loadConfig(testEnv({ DATABASE_POOL_MAX: '100' })).databasePoolMax).toBe(100);
    for (const value of ['0', '101', 'ten', '2.5']) {
      expect(problemsOf({ DATABASE_POOL_MAX: value })).toContain('DATABASE_POOL_MAX: must be a whole number from 1 to 100');
    }
  });
});

describe('start-up with a bad database setting', () => {
  it.each([
    ['DATABASE_POOL_MAX', { DATABASE_URL: `postgres://app:${encodeURIComponent(PASSWORD)}@127.0.0.1:1/app`, DATABASE_POOL_MAX: '0' }],
    ['DATABASE_URL', { DATABASE_URL: `mysql://app:${encodeURIComponent(PASSWORD)}@127.0.0.1:1/app` }],
    ['DATABASE_URL', { DATABASE_URL: '' }],
  ])('exits 1 naming %s on stderr, before listening, and never prints the password', async (name, env) => {
    const child = spawn(process.execPath, ['src/main.ts'], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: { ...process.env, ...testEnv({ HOST: '127.0.0.1', PORT: '0', DATABASE_PASSWORD: PASSWORD, ...env }) },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 10_000, // killed if it starts after all
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, stderr).toBe(1);
    expect(stderr).toContain(`${name}: `);
    expect(output, 'nothing logged: it never listened').toBe('');
    for (const form of [PASSWORD, encodeURIComponent(PASSWORD)]) expect(stderr + output).not.toContain(form);
  });
});
