import type { FastifyInstance } from 'fastify';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';

// One registry per app instance (not prom-client's global one) so tests can build several
// apps in one process without "metric already registered" errors.
export interface Metrics {
  registry: Registry;
  requestDuration: Histogram<'method' | 'route' | 'status'>;
}

export function createMetrics(serviceName: string): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: serviceName });
  collectDefaultMetrics({ register: registry });
  const requestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Duration of HTTP requests in seconds, by method, route template and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return { registry, requestDuration };
}

export function registerMetrics(app: FastifyInstance, metrics: Metrics): void {
  // The histogram's child per method, route and status, made once: labels() builds and
  // validates a label object on every call. The keys are few (route templates, not raw URLs).
  const series = new Map<string, (seconds: number) => void>();
  app.addHook('onResponse', (request, reply, done) => {
    // The route template (/v1/items/:id), never the raw URL: raw URLs would create one time
    // series per id and exhaust Prometheus memory.
    const route = request.routeOptions.url ?? 'unmatched';
    const key = `${request.method} ${reply.statusCode} ${route}`;
    let observe = series.get(key);
    if (observe === undefined) {
      const child = metrics.requestDuration.labels({ method: request.method, route, status: String(reply.statusCode) });
      observe = child.observe.bind(child);
      series.set(key, observe);
    }
    observe(reply.elapsedTime / 1000);
    done();
  });

  app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) => {
    const body = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(body);
  });
}
