"""Alembic migrations, run at start-up (see migrate.py); versions/ holds one file per change."""
