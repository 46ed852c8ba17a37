import type { FastifyInstance } from 'fastify';
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { Metric } from 'prom-client';

/** The request duration histogram's buckets, in seconds. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

type DurationLabels = 'method' | 'route' | 'status';

/** One exported sample, in the shape prom-client's registry reads from a metric's get(). */
interface Sample {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

interface Series {
  labels: Record<DurationLabels, string>;
  /** Observations per bucket (not cumulative); the last slot counts those above every bound. */
  counts: number[];
  sum: number;
}

/**
 * `http_request_duration_seconds{method,route,status}`, kept by us and exported through
 * prom-client's registry, which formats it like its own histograms. prom-client's Histogram
 * builds, validates and hashes a label object on every observation, even through a child
 * from labels(): that was most of the metrics' cost per request. Here a request finds its
 * series through three small maps (route, method, status) and adds to plain numbers.
 */
export class RequestDurationHistogram {
  readonly name = 'http_request_duration_seconds';
  readonly help = 'Duration of HTTP requests in seconds, by method, route template and status code.';
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly #series = new Map<string, Map<string, Map<number, Series>>>();

  /** Records one request. `route` is the route template (/v1/items/:id), never the raw URL. */
  observe(method: string, route: string, status: number, seconds: number): void {
    let byMethod = this.#series.get(route);
    if (byMethod === undefined) this.#series.set(route, (byMethod = new Map<string, Map<number, Series>>()));
    let byStatus = byMethod.get(method);
    if (byStatus === undefined) byMethod.set(method, (byStatus = new Map<number, Series>()));
    let series = byStatus.get(status);
    if (series === undefined) {
      series = { labels: { method, route, status: String(status) }, counts: new Array<number>(DURATION_BUCKETS.length + 1).fill(0), sum: 0 };
      byStatus.set(status, series);
    }
    let bucket = 0;
    for (const bound of DURATION_BUCKETS) {
      if (seconds <= bound) break;
      bucket += 1;
    }
    series.counts[bucket] = (series.counts[bucket] ?? 0) + 1;
    series.sum += seconds;
  }

  /** The values as prom-client's registry reads them: cumulative buckets, +Inf, sum and count. */
  get(): { name: string; help: string; type: 'histogram'; aggregator: 'sum'; values: Sample[] } {
    const values: Sample[] = [];
    for (const byMethod of this.#series.values()) {
      for (const byStatus of byMethod.values()) {
        for (const { labels, counts, sum } of byStatus.values()) {
          let cumulative = 0;
          DURATION_BUCKETS.forEach((bound, i) => {
            cumulative += counts[i] ?? 0;
            values.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le: bound }, value: cumulative });
          });
          const count = cumulative + (counts[DURATION_BUCKETS.length] ?? 0);
          values.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le: '+Inf' }, value: count });
          values.push({ metricName: `${this.name}_sum`, labels: { ...labels }, value: sum });
          values.push({ metricName: `${this.name}_count`, labels: { ...labels }, value: count });
        }
      }
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.#series.clear();
  }
}

// One registry per app instance (not prom-client's global one) so tests can build several
// apps in one process without "metric already registered" errors.
export interface Metrics {
  registry: Registry;
  requestDuration: RequestDurationHistogram;
}

export function createMetrics(serviceName: string): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: serviceName });
  collectDefaultMetrics({ register: registry });
  const requestDuration = new RequestDurationHistogram();
  // The registry only calls get() and reset() on what it holds.
  registry.registerMetric(requestDuration as unknown as Metric);
  return { registry, requestDuration };
}

/** GET /metrics: the registry in Prometheus' text format. */
export function registerMetricsRoute(app: FastifyInstance, metrics: Metrics): void {
  app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) => {
    const body = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(body);
  });
}
