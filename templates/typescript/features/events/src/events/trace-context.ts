import { isSpanContextValid } from '@opentelemetry/api';
import type { SpanContext } from '@opentelemetry/api';

/** The W3C trace context an event carries in its AMQP headers (and its outbox row). */
export interface TraceHeaders {
  traceparent?: string;
  tracestate?: string;
}

// version 00: 00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>; all-zero ids are invalid.
const TRACEPARENT = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;
// At most 32 list members of printable ASCII (W3C tracestate); anything else is dropped.
const TRACESTATE = /^[\x20-\x7e]{1,512}$/;

function single(value: unknown): string | undefined {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  if (typeof first === 'string') return first.trim();
  if (Buffer.isBuffer(first)) return first.toString('latin1').trim();
  return undefined;
}

/**
 * The trace context of a request or a message, from its `traceparent` and `tracestate`
 * headers, kept only when well formed. With tracing on, `span` (the request's own span, a
 * child of the caller's) becomes the parent instead, so consumers hang under this service's
 * span; without tracing the caller's context passes through unchanged. Either way the trace
 * id is the caller's.
 */
export function traceHeadersFrom(headers: Readonly<Record<string, unknown>> | undefined, span?: SpanContext): TraceHeaders {
  const incoming = single(headers?.['traceparent']);
  const tracestate = single(headers?.['tracestate']);
  // A span exists but is invalid when tracing is on without a caller's context to continue…
  // and the tracing SDK is not started (the API's no-op tracer): the caller's header then.
  const traceparent =
    span !== undefined && isSpanContextValid(span)
      ? `00-${span.traceId}-${span.spanId}-${span.traceFlags.toString(16).padStart(2, '0')}`
      : incoming !== undefined && TRACEPARENT.test(incoming)
        ? incoming
        : undefined;
  if (traceparent === undefined) return {};
  return tracestate !== undefined && TRACESTATE.test(tracestate) ? { traceparent, tracestate } : { traceparent };
}
