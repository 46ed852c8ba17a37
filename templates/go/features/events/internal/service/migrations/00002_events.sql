-- The events feature: the items' status (the saga withdraws rejected items),
-- the transactional outbox the relay publishes from (relay.go) and the ids of
-- the events the consumer has handled (consumer.go).

-- +goose Up
ALTER TABLE items ADD COLUMN status text NOT NULL DEFAULT 'active';

CREATE TABLE outbox (
  id              uuid PRIMARY KEY,            -- the CloudEvent id
  type            text NOT NULL,               -- routing key
  event           jsonb NOT NULL,              -- the whole CloudEvent
  headers         jsonb NOT NULL DEFAULT '{}', -- traceparent, tracestate
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

-- +goose Down
DROP TABLE processed_events;
DROP TABLE outbox;
ALTER TABLE items DROP COLUMN status;
