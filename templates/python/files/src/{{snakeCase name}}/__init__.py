"""The service package: an ASGI app (FastAPI) plus the process that serves it (uvicorn)."""
