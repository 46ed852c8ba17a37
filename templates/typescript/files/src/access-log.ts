import type { FastifyReply, FastifyRequest } from 'fastify';
import { pino } from 'pino';
import type { AccessLogMode } from './config.ts';
import { timeField } from './logging.ts';
import type { LogSink } from './logging.ts';

export interface AccessEntry {
  level: 'info' | 'error';
  service: string;
  requestId: string;
  method: string;
  path: string;
  route: string;
  statusCode: number;
  durationMs: number;
}

/**
 * The JSON line for one request, the same object the request's logger would write. Every
 * string goes through JSON.stringify, so a path with quotes, control characters or a newline
 * can neither break the line nor forge another.
 */
export function accessLine(entry: AccessEntry): string {
  return (
    `{"level":"${entry.level}"${timeField()},"service":${quoted(entry.service)}` +
    `,"requestId":${JSON.stringify(entry.requestId)},"method":${quoted(entry.method)}` +
    `,"path":${JSON.stringify(entry.path)},"route":${quoted(entry.route)}` +
    `,"statusCode":${entry.statusCode},"durationMs":${entry.durationMs},"msg":"request completed"}\n`
  );
}

// Service names, methods and route templates are few, so each is quoted once.
const quotedOnce = new Map<string, string>();
function quoted(value: string): string {
  let json = quotedOnce.get(value);
  if (json === undefined) {
    json = JSON.stringify(value);
    if (quotedOnce.size < 1000) quotedOnce.set(value, json);
  }
  return json;
}

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

/**
 * The access line, written when a request completes: what was asked, which route answered,
 * the status and how long it took, tagged with the request id. ACCESS_LOG picks the requests
 * that get one: those that failed (status 400 and up, the default), all of them, or none;
 * metrics and traces cover the rest. Fastify's own request logging is off (see app.ts): it
 * writes two lines per request, and the "incoming" half says nothing the completed line
 * lacks. Routes with a higher `logLevel` (probes, /metrics) stay quiet unless they fail.
 *
 * The mode is turned into a status threshold once, here: per request the decision is one
 * comparison, and a request below it formats nothing. With `none` there is nothing to call.
 * The line is put together here rather than by the request's logger: with ACCESS_LOG=all it
 * is written for every request, and the logger's generic serialisation of an arbitrary object
 * cost more than all the rest of the access log's work.
 *
 * Returns what app.ts calls from its one onSend hook (beside the metrics), or undefined.
 */
export function accessLogger(sink: LogSink, service: string, mode: AccessLogMode): CompletedRequestHandler | undefined {
  if (mode === 'none') return undefined;
  const fromStatus = mode === 'all' ? 0 : 400;
  return (request, reply, route, durationMs) => {
    const statusCode = reply.statusCode;
    if (statusCode < fromStatus) return;
    const level = statusCode >= 500 ? 'error' : 'info';
    // The request's logger carries the route's logLevel (probes log at warn).
    if ((pino.levels.values[level] ?? 0) >= (pino.levels.values[request.log.level] ?? Infinity)) {
      sink.write(
        accessLine({
          level,
          service,
          requestId: request.id,
          method: request.method,
          path: pathOf(request.url),
          route,
          statusCode,
          durationMs: Math.round(durationMs * 1000) / 1000,
        }),
      );
    }
  };
}

/**
 * Writes a completed request's access line (or not), given the route template that answered
 * it ('unmatched' for unknown paths) and how long it took.
 */
export type CompletedRequestHandler = (request: FastifyRequest, reply: FastifyReply, route: string, durationMs: number) => void;
