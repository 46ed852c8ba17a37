import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { DURATION_BUCKETS, createMetrics } from '../src/metrics.ts';

/** The histogram's lines of a registry's text output, each with its labels in sorted order. */
async function histogramLines(registry: Registry): Promise<string[]> {
  const text = await registry.metrics();
  return text
    .split('\n')
    .filter((line) => line.startsWith('http_request_duration_seconds'))
    .map((line) => {
      const match = /^([^{ ]+)\{([^}]*)\} (.+)$/.exec(line);
      if (match === null) return line;
      const labels = (match[2] ?? '').split(/,(?=[a-z_]+=")/).sort();
      return `${match[1]}{${labels.join(',')}} ${match[3]}`;
    })
    .sort();
}

describe('the request duration histogram', () => {
  it("exports exactly what prom-client's own Histogram exports for the same requests", async () => {
    const ours = createMetrics('orders');
    const reference = new Registry();
    reference.setDefaultLabels({ service: 'orders' });
    const histogram = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Duration of HTTP requests in seconds, by method, route template and status code.',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [...DURATION_BUCKETS],
      registers: [reference],
    });
    const requests: [string, string, number, number][] = [
      ['GET', '/v1/items/:id', 200, 0.0004],
      ['GET', '/v1/items/:id', 200, 0.005], // on a bound: counted in that bucket
      ['GET', '/v1/items/:id', 404, 0.07],
      ['POST', '/v1/items', 201, 1.5],
      ['POST', '/v1/items', 400, 12], // above every bound: +Inf only
      ['GET', 'unmatched', 404, 0.0001],
    ];
    for (const [method, route, status, seconds] of requests) {
      ours.requestDuration.observe(method, route, status, seconds);
      histogram.observe({ method, route, status: String(status) }, seconds);
    }
    const expected = await histogramLines(reference);
    expect(expected.length).toBeGreaterThan(requests.length * DURATION_BUCKETS.length);
    expect(await histogramLines(ours.registry)).toEqual(expected);
    expect(await ours.registry.metrics()).toContain('# TYPE http_request_duration_seconds histogram');
  });

  it('starts again from nothing when the registry is reset', async () => {
    const { registry, requestDuration } = createMetrics('orders');
    requestDuration.observe('GET', '/healthz', 200, 0.001);
    registry.resetMetrics();
    expect(await histogramLines(registry)).toEqual([]);
  });
});
