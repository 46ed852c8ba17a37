"""The HTTP contract: health, readiness, the items resource and the one error shape."""

import uuid

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient


def assert_error(body: object, code: str, request_id: str) -> None:
    assert isinstance(body, dict)
    assert set(body) == {"error"}
    error = body["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str)
    assert error["message"]
    assert error["requestId"] == request_id


def test_healthz_is_ok(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_ready_after_startup_and_503_once_shutdown_begins(
    app: FastAPI, client: TestClient
) -> None:
    assert client.get("/readyz").status_code == 200
    app.state.lifecycle.begin_shutdown()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "shutting_down"


def test_create_then_get_an_item(client: TestClient) -> None:
    created = client.post("/v1/items", json={"name": "first", "description": "a thing"})
    assert created.status_code == 201
    item = created.json()
    uuid.UUID(item["id"])
    assert item["name"] == "first"
    assert item["description"] == "a thing"
    assert item["createdAt"].endswith("Z")
    assert created.headers["location"] == f"/v1/items/{item['id']}"

    fetched = client.get(f"/v1/items/{item['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == item


def test_name_of_100_characters_is_accepted(client: TestClient) -> None:
    assert client.post("/v1/items", json={"name": "n" * 100}).status_code == 201


def test_unknown_item_is_404_with_the_error_shape(client: TestClient) -> None:
    response = client.get("/v1/items/does-not-exist", headers={"x-request-id": "req-404"})
    assert response.status_code == 404
    assert_error(response.json(), "not_found", "req-404")


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({}, "/body/name"),
        ({"name": ""}, "/body/name"),
        ({"name": "x" * 101}, "/body/name"),
        ({"name": 42}, "/body/name"),
        ({"name": "ok", "colour": "red"}, "/body/colour"),
        ({"name": "ok", "description": "d" * 1001}, "/body/description"),
        (["name"], "/body"),
    ],
)
def test_invalid_item_is_400_with_details(client: TestClient, body: object, pointer: str) -> None:
    response = client.post("/v1/items", json=body, headers={"x-request-id": "req-400"})
    assert response.status_code == 400
    payload = response.json()
    assert_error(payload, "validation_failed", "req-400")
    assert pointer in [detail["path"] for detail in payload["error"]["details"]]


def test_malformed_json_is_400(client: TestClient) -> None:
    response = client.post(
        "/v1/items",
        content=b'{"name": ',
        headers={"content-type": "application/json", "x-request-id": "req-json"},
    )
    assert response.status_code == 400
    assert_error(response.json(), "bad_request", "req-json")
    assert "details" not in response.json()["error"]


def test_overlong_item_id_is_400(client: TestClient) -> None:
    response = client.get("/v1/items/" + "i" * 65, headers={"x-request-id": "req-long"})
    assert response.status_code == 400
    payload = response.json()
    assert_error(payload, "validation_failed", "req-long")
    assert payload["error"]["details"][0]["path"] == "/path/id"


def test_unknown_route_is_404_with_the_error_shape(client: TestClient) -> None:
    response = client.get("/no/such/route", headers={"x-request-id": "req-unknown"})
    assert response.status_code == 404
    assert_error(response.json(), "not_found", "req-unknown")


def test_wrong_method_is_405_with_the_error_shape(client: TestClient) -> None:
    response = client.delete("/healthz", headers={"x-request-id": "req-405"})
    assert response.status_code == 405
    assert_error(response.json(), "method_not_allowed", "req-405")


def test_wrong_method_on_an_item_is_405_with_the_error_shape(client: TestClient) -> None:
    response = client.put("/v1/items/some-id", json={}, headers={"x-request-id": "req-put"})
    assert response.status_code == 405
    assert response.headers["allow"] == "GET"
    assert_error(response.json(), "method_not_allowed", "req-put")


def test_routes_are_registered_on_the_app_itself(app: FastAPI) -> None:
    # Not through include_router, whose router node is resolved again on every request
    # (see create_app): every entry of app.routes is a route with its own path.
    ours = {"/healthz", "/readyz", "/metrics", "/v1/items", "/v1/items/{id}"}
    api_routes = {route.path: route for route in app.routes if isinstance(route, APIRoute)}
    assert set(api_routes) == ours
    assert all(isinstance(getattr(route, "path", None), str) for route in app.routes)
    assert api_routes["/v1/items"].methods == {"POST"}
    assert api_routes["/v1/items"].status_code == 201
    assert api_routes["/v1/items/{id}"].methods == {"GET"}


def test_openapi_documents_the_items_routes_but_not_the_probes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert set(paths) == {"/v1/items", "/v1/items/{id}"}
    assert paths["/v1/items"]["post"]["tags"] == ["items"]
    assert "201" in paths["/v1/items"]["post"]["responses"]
    assert paths["/v1/items/{id}"]["get"]["tags"] == ["items"]


def test_unhandled_exception_is_500_without_internals(app: FastAPI, client: TestClient) -> None:
    @app.get("/explode")
    async def explode() -> None:
        raise RuntimeError("secret internal detail")

    response = client.get("/explode", headers={"x-request-id": "req-500"})
    assert response.status_code == 500
    assert response.headers["x-request-id"] == "req-500"
    assert_error(response.json(), "internal_error", "req-500")
    assert "secret" not in response.text


def test_incoming_request_id_is_echoed(client: TestClient) -> None:
    response = client.get("/healthz", headers={"x-request-id": "abc-123.def"})
    assert response.headers["x-request-id"] == "abc-123.def"


@pytest.mark.parametrize(
    "incoming", [None, "", "has spaces", "a/b", "x" * 129, "<script>alert(1)</script>"]
)
def test_missing_or_unsafe_request_id_is_replaced_by_a_fresh_one(
    client: TestClient, incoming: str | None
) -> None:
    headers = {} if incoming is None else {"x-request-id": incoming}
    response = client.get("/healthz", headers=headers)
    generated = response.headers["x-request-id"]
    assert generated != incoming
    uuid.UUID(generated)
