"""The one error body every failure uses:

{"error": {"code": "...", "message": "...", "requestId": "...", "details": [...]}}
"""

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from .logs import request_id_var

# Stable, machine-readable codes for the statuses the service produces itself.
_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    500: "internal_error",
}


def error_payload(
    status: int,
    message: str,
    details: list[dict[str, Any]] | None = None,
    code: str | None = None,
) -> dict[str, Any]:
    error: dict[str, Any] = {
        "code": code or _CODES.get(status, HTTPStatus(status).phrase.lower().replace(" ", "_")),
        "message": message,
        "requestId": request_id_var.get(),
    }
    if details is not None:
        error["details"] = details
    return {"error": error}


def error_response(
    status: int,
    message: str,
    details: list[dict[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
    code: str | None = None,
) -> JSONResponse:
    return JSONResponse(
        error_payload(status, message, details, code), status_code=status, headers=headers
    )


def _pointer(location: tuple[int | str, ...]) -> str:
    # A JSON pointer into the request, e.g. /body/name: FastAPI's location starts with
    # the part of the request ("body", "path", "query").
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in location)


async def _on_validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)  # noqa: S101 - registered for this type only
    malformed = [item for item in exc.errors() if item["type"] == "json_invalid"]
    if malformed:
        # Not JSON at all: nothing to point at field by field.
        reason = malformed[0].get("ctx", {}).get("error", "malformed JSON")
        return error_response(400, f"The request body is not valid JSON: {reason}.")
    details = [
        {"path": _pointer(tuple(item["loc"])), "message": item["msg"]} for item in exc.errors()
    ]
    return error_response(400, "The request is not valid.", details, code="validation_failed")


async def _on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)  # noqa: S101 - registered for this type only
    phrase = HTTPStatus(exc.status_code).phrase
    if exc.detail == phrase and exc.status_code in (404, 405):
        # Raised by the router itself: no route, or not this method.
        message = f"No route for {request.method} {request.url.path}."
    else:
        message = exc.detail if isinstance(exc.detail, str) else phrase
    return error_response(exc.status_code, message, headers=exc.headers)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(HTTPException, _on_http_error)
