"""The PostgreSQL connection pool (psycopg 3): one per process, opened at start-up and closed
after the HTTP server has drained."""

import asyncio
import logging
from typing import Any

from psycopg import AsyncConnection
from psycopg.rows import DictRow, dict_row
from psycopg_pool import AsyncConnectionPool

from .config import Settings

logger = logging.getLogger(__name__)

# A new connection gives up after this long (libpq's connect_timeout, whole seconds).
CONNECT_TIMEOUT_SECONDS = 3
# A request waiting for a free connection gives up after this long instead of queueing forever.
ACQUIRE_TIMEOUT_SECONDS = 5.0
# /readyz answers within this, whatever the database does.
PING_TIMEOUT_SECONDS = 2.0

Pool = AsyncConnectionPool[AsyncConnection[DictRow]]


def connect_kwargs(settings: Settings) -> dict[str, Any]:
    """Connection parameters on top of DATABASE_URL; DATABASE_PASSWORD replaces the URL's."""
    kwargs: dict[str, Any] = {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
    if settings.database_password is not None:
        kwargs["password"] = settings.database_password.get_secret_value()
    return kwargs


class Database:
    def __init__(self, settings: Settings) -> None:
        self.pool: Pool = AsyncConnectionPool(
            settings.database_url,
            kwargs={**connect_kwargs(settings), "row_factory": dict_row},
            connection_class=AsyncConnection[DictRow],
            min_size=1,
            max_size=settings.database_pool_max,
            timeout=ACQUIRE_TIMEOUT_SECONDS,
            open=False,
        )

    async def open(self) -> None:
        # Not waiting: the service starts (and /readyz tells) even if the database is slow;
        # migrations have already proved it reachable.
        await self.pool.open(wait=False)

    async def ping(self) -> bool:
        """Whether the database answers SELECT 1 within PING_TIMEOUT_SECONDS (for /readyz)."""
        try:
            async with asyncio.timeout(PING_TIMEOUT_SECONDS):
                async with self.pool.connection() as connection:
                    await connection.execute("SELECT 1")
        except Exception as error:  # any failure means "not ready"; the reason goes to the log
            logger.warning("database ping failed", extra={"error": str(error)})
            return False
        return True

    async def close(self) -> None:
        # Waits at most a second for connection attempts still in progress (a database that
        # is away would otherwise hold the shutdown for the whole connect timeout).
        await self.pool.close(timeout=1.0)
