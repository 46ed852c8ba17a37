-- The example resource. Each file is one version, applied once, in order of
-- its number, at start-up (database.go); never edit one that has shipped:
-- add the next number instead (README.md, "Changing the schema").

-- +goose Up
CREATE TABLE items (
  id          uuid PRIMARY KEY,
  name        text NOT NULL,
  description text,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE items;
