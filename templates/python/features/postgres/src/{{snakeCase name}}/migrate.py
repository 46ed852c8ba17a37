"""Runs the database migrations (Alembic, migrations/) at start-up, before the service listens.

The schema and the code that needs it ship in one image and one rollout, and /healthz does not
answer until the schema is there, so the startup probe holds traffic meanwhile.
"""

import logging
import zlib
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import URL, create_engine, make_url
from sqlalchemy.pool import NullPool

from .config import SERVICE_NAME, Settings
from .db import CONNECT_TIMEOUT_SECONDS

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The advisory lock the migrating replica holds: a fixed number per service, so services that
# share a database server do not wait for each other.
ADVISORY_LOCK_KEY = zlib.crc32(f"{SERVICE_NAME}:migrations".encode())


def sqlalchemy_url(settings: Settings) -> URL:
    """DATABASE_URL for SQLAlchemy's psycopg 3 dialect; DATABASE_PASSWORD replaces its password."""
    url = make_url(settings.database_url).set(drivername="postgresql+psycopg")
    if settings.database_password is not None:
        url = url.set(password=settings.database_password.get_secret_value())
    return url


def migrate(settings: Settings) -> None:
    """Applies every pending migration; a no-op when the schema is current."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = create_engine(
        sqlalchemy_url(settings),
        poolclass=NullPool,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS},
    )
    try:
        with engine.connect() as connection:
            config.attributes["connection"] = connection
            config.attributes["advisory_lock_key"] = ADVISORY_LOCK_KEY
            command.upgrade(config, "head")
    finally:
        engine.dispose()
    logger.info("database schema is current")
