-- Up Migration
-- The saga's state: an item a downstream service rejected is withdrawn, not deleted.
ALTER TABLE items ADD COLUMN status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'withdrawn'));

-- The transactional outbox: a handler inserts the event in the transaction that changes the
-- state; the relay (src/events/relay.ts) publishes it and sets published_at.
CREATE TABLE outbox (
  id              uuid PRIMARY KEY,             -- the CloudEvent id
  type            text NOT NULL,                -- routing key
  event           jsonb NOT NULL,               -- the whole CloudEvent
  headers         jsonb NOT NULL DEFAULT '{}',  -- traceparent, tracestate
  created_at      timestamptz NOT NULL DEFAULT now(),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error      text,
  published_at    timestamptz
);
CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE published_at IS NULL;

-- The idempotent consumer: an event id recorded here, in the transaction of its effects, is
-- never handled again (delivery is at least once).
CREATE TABLE processed_events (
  event_id     text PRIMARY KEY,
  processed_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE processed_events;
DROP TABLE outbox;
ALTER TABLE items DROP COLUMN status;
