"""The transactional outbox, the consumer's deduplication table and the items' status (events)."""

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # Expand only: a default keeps the previous release's INSERTs working during the rollout.
    op.execute("ALTER TABLE items ADD COLUMN status text NOT NULL DEFAULT 'active'")
    op.execute(
        """
        CREATE TABLE outbox (
          id              uuid PRIMARY KEY,
          type            text NOT NULL,
          event           jsonb NOT NULL,
          headers         jsonb NOT NULL DEFAULT '{}',
          created_at      timestamptz NOT NULL DEFAULT now(),
          attempts        integer NOT NULL DEFAULT 0,
          next_attempt_at timestamptz NOT NULL DEFAULT now(),
          last_error      text,
          published_at    timestamptz
        )
        """
    )
    op.execute("CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE published_at IS NULL")
    op.execute(
        """
        CREATE TABLE processed_events (
          event_id     text PRIMARY KEY,
          processed_at timestamptz NOT NULL DEFAULT now()
        )
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE processed_events")
    op.execute("DROP TABLE outbox")
    op.execute("ALTER TABLE items DROP COLUMN status")
