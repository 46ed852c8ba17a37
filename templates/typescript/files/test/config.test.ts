import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { testEnv } from './helpers.ts';

describe('loadConfig', () => {
  it('uses defaults when nothing is set', () => {
    const config = loadConfig(testEnv());
    expect(config.host).toBe('0.0.0.0');
    expect(config.logLevel).toBe('info');
    expect(config.otlpEndpoint).toBeUndefined();
  });

  it('reads the environment', () => {
    const config = loadConfig(
      testEnv({ PORT: '9000', HOST: '127.0.0.1', LOG_LEVEL: 'DEBUG', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }),
    );
    expect(config).toMatchObject({ port: 9000, host: '127.0.0.1', logLevel: 'debug', otlpEndpoint: 'http://collector:4318' });
  });

  it('names every bad variable in one error', () => {
    let caught: unknown;
    try {
      loadConfig(testEnv({ PORT: 'eighty', LOG_LEVEL: 'loud', OTEL_EXPORTER_OTLP_ENDPOINT: 'collector' }));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join('\n');
    expect(problems).toContain('PORT');
    expect(problems).toContain('LOG_LEVEL');
    expect(problems).toContain('OTEL_EXPORTER_OTLP_ENDPOINT');
  });
});
