"""W3C trace context for events: what goes into an outgoing event's `traceparent` (and
`tracestate`) AMQP headers, so its consumers continue the trace of what caused it.

With tracing on, that is the current span (the request's or the consumed message's span);
with tracing off there is no span, and the incoming `traceparent` is passed on as it came,
so the trace id survives the hop either way.
"""

import re
from collections.abc import Mapping

from opentelemetry import propagate

# version 00: 2 hex version, 32 hex trace id, 16 hex parent id, 2 hex flags
_TRACEPARENT = re.compile(r"00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}")
_TRACESTATE_MAX = 512


def outgoing_trace_context(incoming: Mapping[str, object]) -> dict[str, str]:
    """The trace headers for an event caused by a request or message carrying `incoming`."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)  # nothing unless a span is active (tracing on)
    if "traceparent" in carrier:
        return carrier
    traceparent = incoming.get("traceparent")
    if not isinstance(traceparent, str) or not _TRACEPARENT.fullmatch(traceparent.strip()):
        return {}
    context = {"traceparent": traceparent.strip()}
    tracestate = incoming.get("tracestate")
    if isinstance(tracestate, str) and 0 < len(tracestate) <= _TRACESTATE_MAX:
        context["tracestate"] = tracestate
    return context
