-- The events feature: items can be withdrawn (the saga's compensation), events leave through a
-- transactional outbox, and consumed events are remembered so a redelivery changes nothing.
ALTER TABLE items
  ADD COLUMN status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'withdrawn'));

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
);
CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE published_at IS NULL;

CREATE TABLE processed_events (
  event_id     text PRIMARY KEY,
  processed_at timestamptz NOT NULL DEFAULT now()
);
