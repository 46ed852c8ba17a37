import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { FastifyBaseLogger } from 'fastify';
import { lazyRequestLogger } from '../src/request-logger.ts';

/** A real pino logger writing into an array, and how many children were made from it. */
function parentLogger(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  const children: unknown[] = [];
  const counted = new Proxy(logger, {
    get(target, key, receiver) {
      if (key === 'child') {
        return (...args: Parameters<typeof logger.child>) => {
          children.push(args);
          return target.child(...args);
        };
      }
      return Reflect.get(target, key, receiver) as unknown;
    },
  }) as FastifyBaseLogger;
  return { logger: counted, lines, children };
}

describe('the request logger', () => {
  it('makes no child logger for a request that logs nothing', () => {
    const { logger, children } = parentLogger();
    const log = lazyRequestLogger(logger, { requestId: 'r-1' }, {});
    expect(log.level).toBe('info');
    expect(children).toHaveLength(0);
  });

  it('makes one child on first use, and its lines carry the request id', () => {
    const { logger, lines, children } = parentLogger();
    const log = lazyRequestLogger(logger, { requestId: 'r-2' }, {});
    log.info({ extra: 1 }, 'first');
    log.error(new Error('boom'), 'second');
    log.debug('hidden at info');
    expect(children).toHaveLength(1);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ requestId: 'r-2', extra: 1, msg: 'first', level: 30 });
    expect(lines[1]).toMatchObject({ requestId: 'r-2', msg: 'second', level: 50, err: { message: 'boom' } });
  });

  it("keeps a route's level (probes log at warn) before and after the child exists", () => {
    const { logger, lines } = parentLogger('debug');
    const log = lazyRequestLogger(logger, { requestId: 'r-3' }, { level: 'warn' });
    expect(log.level).toBe('warn');
    log.info('not at warn');
    log.warn('at warn');
    expect(log.level).toBe('warn');
    expect(lines.map((line) => line['msg'])).toEqual(['at warn']);
  });

  it('passes a level change and child loggers through to pino', () => {
    const { logger, lines } = parentLogger();
    const log = lazyRequestLogger(logger, { requestId: 'r-4' }, {});
    log.level = 'debug';
    log.debug('now visible');
    log.child({ step: 'db' }).info('from a grandchild');
    expect(lines).toMatchObject([
      { requestId: 'r-4', msg: 'now visible' },
      { requestId: 'r-4', step: 'db', msg: 'from a grandchild' },
    ]);
  });
});
