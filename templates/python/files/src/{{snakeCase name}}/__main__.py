"""Entry point: `python -m <package>` (or the console script of the same name)."""

import json
import sys

from pydantic import ValidationError

from .app import create_app
from .config import Settings, describe_error
from .logs import configure_logging
from .server import serve


def main() -> int:
    try:
        settings = Settings()
    except ValidationError as error:
        # Logging is not set up yet (its level is one of the settings): write the one
        # JSON line by hand, to stderr, where an operator looks when a start fails.
        line = {"level": "error", "message": describe_error(error)}
        print(json.dumps(line), file=sys.stderr)
        return 1
    configure_logging(settings.log_level, settings.otel_service_name)
    return serve(create_app(settings), settings)


if __name__ == "__main__":
    sys.exit(main())
