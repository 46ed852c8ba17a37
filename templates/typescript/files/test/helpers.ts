import { buildApp } from '../src/app.ts';
import type { AppOptions, Service } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import type { Config } from '../src/config.ts';

export interface TestService extends Service {
  /** Every JSON log line the app wrote, parsed. */
  logs: Record<string, unknown>[];
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig(testEnv()), logLevel: 'info', ...overrides };
}

/** The environment a valid configuration needs, plus `extra`. */
export function testEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { ...baseEnv, ...extra };
}

const baseEnv: Record<string, string> = {
  ...(process.env['DATABASE_URL'] ? { DATABASE_URL: process.env['DATABASE_URL'] } : {}),
};

export function testService(options: Partial<AppOptions> = {}): TestService {
  const logs: Record<string, unknown>[] = [];
  const service = buildApp({
    config: testConfig(),
    ...options,
    logStream: {
      write(line: string) {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  });
  return { ...service, logs };
}
