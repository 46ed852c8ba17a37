import Fastify, { LogController } from 'fastify';
import type { FastifyInstance } from 'fastify';
import { accessLogger } from './access-log.ts';
import type { Config } from './config.ts';
import { registerErrorHandlers } from './errors.ts';
import { createMetrics, registerMetricsRoute } from './metrics.ts';
import { registerHealthRoutes } from './routes/health.ts';
import type { ReadinessCheck } from './routes/health.ts';
import { registerItemRoutes } from './routes/items.ts';
import { ItemStore } from './items.ts';
import { stdoutSink, timeField } from './logging.ts';
import { requestIdFrom } from './request-id.ts';
import { lazyRequestLogger } from './request-logger.ts';
import type { LogSink } from './logging.ts';
import { registerTracing } from './tracing.ts';

export interface AppOptions {
  config: Config;
  /** Named checks that must pass for /readyz to report ready (a database ping, ...). */
  readinessChecks?: Readonly<Record<string, ReadinessCheck>>;
  /** Add a span per request; only worth it when the tracing SDK was started. */
  tracing?: boolean;
  /** Where JSON log lines go; stdout when not given (tests pass a stream to read them). */
  logStream?: LogSink;
}

export interface Service {
  app: FastifyInstance;
  /** Flips /readyz to 503 so load balancers stop sending traffic before we close. */
  markShuttingDown(): void;
}

export function buildApp(options: AppOptions): Service {
  const { config } = options;
  const logSink = options.logStream ?? stdoutSink();
  const app = Fastify({
    logger: {
      level: config.logLevel,
      base: { service: config.serviceName },
      formatters: { level: (label: string) => ({ level: label }) },
      timestamp: timeField,
      stream: logSink,
    },
    // Our access log (access-log.ts) writes at most one line per request (which requests:
    // ACCESS_LOG) instead of Fastify's two.
    logController: new LogController({ requestIdLogLabel: 'requestId', disableRequestLogging: true }),
    // request.log is made on first use: most requests never log (see request-logger.ts).
    childLoggerFactory: lazyRequestLogger,
    genReqId: (request) => requestIdFrom(request.headers['x-request-id']),
    // We answer requests that arrive on kept-alive connections during shutdown ourselves
    // (with Connection: close) instead of Fastify's bare 503, which has another body shape.
    return503OnClosing: false,
    ajv: {
      // Reject unknown properties and wrong types instead of silently dropping/coercing them.
      customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false },
    },
  });

  let shuttingDown = false;
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    if (shuttingDown) void reply.header('connection', 'close');
    done();
  });

  // One onResponse hook for the metrics and the access line: Fastify's hook runner costs
  // about as much per hook as what each of them does.
  const metrics = createMetrics(config.serviceName);
  const logAccess = accessLogger(logSink, config.serviceName, config.accessLog);
  app.addHook('onResponse', (request, reply, done) => {
    // routeOptions is built afresh on each read: read once.
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.requestDuration.observe(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    logAccess?.(request, reply, route);
    done();
  });
  registerErrorHandlers(app);
  registerMetricsRoute(app, metrics);
  if (options.tracing) registerTracing(app, config.serviceName);
  registerHealthRoutes(app, { isShuttingDown: () => shuttingDown, checks: options.readinessChecks ?? {} });
  registerItemRoutes(app, new ItemStore());

  return {
    app,
    markShuttingDown() {
      shuttingDown = true;
    },
  };
}
