"""Alembic's environment: runs the pending migrations on the connection migrate.py opened,
in one transaction that first takes a PostgreSQL advisory lock, so replicas starting together
migrate once and the others wait, then find nothing left to do."""

from alembic import context
from sqlalchemy import Connection, text

connection = context.config.attributes["connection"]
lock_key = context.config.attributes["advisory_lock_key"]
# Alembic loads this file by path: migrate.py hands over what it needs through the attributes.
assert isinstance(connection, Connection)  # noqa: S101 - migrate.py always passes one
assert isinstance(lock_key, int)  # noqa: S101 - likewise

context.configure(connection=connection, transaction_per_migration=False)
with context.begin_transaction():
    # Held until this transaction ends; taken before Alembic reads the current version, so a
    # replica that waited sees the version the first one committed.
    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key})
    context.run_migrations()
