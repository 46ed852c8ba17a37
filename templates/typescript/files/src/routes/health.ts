import type { FastifyInstance } from 'fastify';

/** Resolves when the dependency is usable, rejects (or times out) when it is not. */
export type ReadinessCheck = () => Promise<void>;

export interface HealthOptions {
  isShuttingDown(): boolean;
  checks: Readonly<Record<string, ReadinessCheck>>;
  /** A check that takes longer than this counts as failed. */
  checkTimeoutMs?: number;
}

async function withTimeout(check: ReadinessCheck, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => {
          reject(new Error(`timed out after ${ms} ms`));
        }, ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function registerHealthRoutes(app: FastifyInstance, options: HealthOptions): void {
  const timeoutMs = options.checkTimeoutMs ?? 2_000;

  // Liveness: the process can serve HTTP. Never depends on other systems, or an outage of
  // a dependency would make Kubernetes restart every replica at once.
  app.get('/healthz', { logLevel: 'warn' }, () => ({ status: 'ok' }));

  // Readiness: send me traffic. False while shutting down or when a dependency is down.
  app.get('/readyz', { logLevel: 'warn' }, async (request, reply) => {
    if (options.isShuttingDown()) {
      return reply.status(503).send({ status: 'shutting_down', checks: {} });
    }
    const results: Record<string, 'ok' | 'failed'> = {};
    await Promise.all(
      Object.entries(options.checks).map(async ([name, check]) => {
        try {
          await withTimeout(check, timeoutMs);
          results[name] = 'ok';
        } catch (error) {
          results[name] = 'failed';
          request.log.warn({ check: name, err: error }, 'readiness check failed');
        }
      }),
    );
    const ready = Object.values(results).every((result) => result === 'ok');
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks: results });
  });
}
