import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { testEnv } from './helpers.ts';

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(testEnv(env));
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.join('\n');
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('uses defaults when nothing is set', () => {
    const config = loadConfig(testEnv());
    expect(config.host).toBe('0.0.0.0');
    expect(config.logLevel).toBe('info');
    expect(config.accessLog).toBe('errors');
    expect(config.otlpEndpoint).toBeUndefined();
  });

  it('treats an empty LOG_LEVEL or ACCESS_LOG as unset', () => {
    expect(loadConfig(testEnv({ LOG_LEVEL: '', ACCESS_LOG: '  ' }))).toMatchObject({ logLevel: 'info', accessLog: 'errors' });
  });

  it.each([
    ['errors', 'errors'],
    ['all', 'all'],
    ['none', 'none'],
    ['ERRORS', 'errors'],
    ['All', 'all'],
    [' NONE ', 'none'],
  ])('reads ACCESS_LOG=%j', (value, mode) => {
    expect(loadConfig(testEnv({ ACCESS_LOG: value })).accessLog).toBe(mode);
  });

  it.each(['loud', 'true', 'error'])('rejects ACCESS_LOG=%s, naming the variable, the value and the allowed ones', (value) => {
    expect(problemsOf({ ACCESS_LOG: value })).toContain(`ACCESS_LOG: must be one of errors, all, none (got "${value}")`);
  });

  it('reads the environment', () => {
    const config = loadConfig(
      testEnv({
        PORT: '9000',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'DEBUG',
        ACCESS_LOG: 'ALL',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      }),
    );
    expect(config).toMatchObject({
      port: 9000,
      host: '127.0.0.1',
      logLevel: 'debug',
      accessLog: 'all',
      otlpEndpoint: 'http://collector:4318',
    });
  });

  it('names every bad variable in one error', () => {
    let caught: unknown;
    try {
      loadConfig(testEnv({ PORT: 'eighty', LOG_LEVEL: 'loud', ACCESS_LOG: 'loud', OTEL_EXPORTER_OTLP_ENDPOINT: 'collector' }));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join('\n');
    expect(problems).toContain('PORT');
    expect(problems).toContain('LOG_LEVEL');
    expect(problems).toContain('ACCESS_LOG');
    expect(problems).toContain('OTEL_EXPORTER_OTLP_ENDPOINT');
  });
});

describe('start-up', () => {
  it('refuses to start with a bad ACCESS_LOG: exit 1 and a message on stderr, before listening', async () => {
    const child = spawn(process.execPath, ['src/main.ts'], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: { ...process.env, ...testEnv({ ACCESS_LOG: 'loud', HOST: '127.0.0.1', PORT: '0' }) },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 10_000, // killed if it starts after all
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, stderr).toBe(1);
    expect(stderr).toContain('ACCESS_LOG: must be one of errors, all, none (got "loud")');
    expect(stdout, 'nothing logged: it never listened').toBe('');
  });
});
