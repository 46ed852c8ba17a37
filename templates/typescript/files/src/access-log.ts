import type { FastifyInstance } from 'fastify';

/**
 * One line per request, when it completes: what was asked, which route answered, the status
 * and how long it took, tagged with the request id (the request's child logger carries it).
 * Fastify's own request logging is off (see app.ts): it writes two lines per request, which
 * doubles the cost of logging, and the "incoming" half says nothing the completed line lacks.
 * Routes with a higher `logLevel` (probes, /metrics) stay quiet unless they fail.
 */
export function registerAccessLog(app: FastifyInstance): void {
  app.addHook('onResponse', (request, reply, done) => {
    const statusCode = reply.statusCode;
    const fields = {
      method: request.method,
      path: request.url.split('?', 1)[0],
      route: request.routeOptions.url ?? 'unmatched',
      statusCode,
      durationMs: Math.round(reply.elapsedTime * 1000) / 1000,
    };
    if (statusCode >= 500) request.log.error(fields, 'request completed');
    else request.log.info(fields, 'request completed');
    done();
  });
}
