"""/metrics: Prometheus text with the request histogram and process/runtime metrics."""

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families


def scrape(client: TestClient) -> dict[str, list[tuple[dict[str, str], float]]]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    samples: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append((sample.labels, sample.value))
    return samples


def test_request_histogram_uses_route_templates(client: TestClient) -> None:
    item = client.post("/v1/items", json={"name": "counted"}).json()
    client.get(f"/v1/items/{item['id']}")
    client.get("/v1/items/missing")
    client.get("/nowhere/at/all")

    counts = {
        (labels["method"], labels["route"], labels["status"]): value
        for labels, value in scrape(client)["http_request_duration_seconds_count"]
    }
    assert counts[("POST", "/v1/items", "201")] == 1
    assert counts[("GET", "/v1/items/{id}", "200")] == 1
    assert counts[("GET", "/v1/items/{id}", "404")] == 1
    # Unmatched paths share one series instead of creating one per URL.
    assert counts[("GET", "unmatched", "404")] == 1
    assert not any("nowhere" in route for _, route, _ in counts)


def test_histogram_has_buckets(client: TestClient) -> None:
    client.get("/healthz")
    buckets = scrape(client)["http_request_duration_seconds_bucket"]
    healthz = [value for labels, value in buckets if labels["route"] == "/healthz"]
    assert len(healthz) > 5
    assert max(healthz) == 1


def test_process_and_runtime_metrics_are_exported(client: TestClient) -> None:
    names = set(scrape(client))
    assert "process_resident_memory_bytes" in names
    assert "process_cpu_seconds_total" in names
    assert "python_info" in names
    assert "python_gc_collections_total" in names
