"""Prometheus metrics: the HTTP request histogram plus process and runtime collectors."""

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)


class Metrics:
    """One registry per app, so tests (and several apps in one process) never clash."""

    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        GCCollector(registry=self.registry)
        self.request_duration = Histogram(
            "http_request_duration_seconds",
            "Duration of HTTP requests in seconds, by method, route template and status code.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        # The labelled histogram per (method, route, status): labels() validates and looks
        # the series up under a lock on every call; the set of keys is small (routes are
        # templates, never raw paths) so the children are kept here.
        self._series: dict[tuple[str, str, int], Histogram] = {}

    def observe_request(self, method: str, route: str, status_code: int, seconds: float) -> None:
        key = (method, route, status_code)
        series = self._series.get(key)
        if series is None:
            series = self.request_duration.labels(method, route, str(status_code))
            self._series[key] = series
        series.observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)
