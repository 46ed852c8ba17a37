-- Up Migration
-- The example resource. Schema changes follow expand/contract (README, "Database"): during a
-- rollout old and new replicas share this database.
CREATE TABLE items (
  id          uuid PRIMARY KEY,
  name        text NOT NULL,
  description text,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE items;
