"""The container's HEALTHCHECK (the slim image has no curl): exit 0 when /healthz
answers 200 within two seconds, 1 otherwise."""

import os
import sys
import urllib.request

from .config import DEFAULT_PORT


def main() -> int:
    port = os.environ.get("PORT", str(DEFAULT_PORT))
    url = f"http://127.0.0.1:{port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return 0 if response.status == 200 else 1
    except OSError:
        return 1


if __name__ == "__main__":
    sys.exit(main())
