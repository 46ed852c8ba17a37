-- The example resource. Migrations are versioned and never edited once released: change the
-- schema with a new file, expand/contract (see README.md, "Database").
CREATE TABLE items (
  id          uuid PRIMARY KEY,
  name        text NOT NULL,
  description text,
  created_at  timestamptz NOT NULL DEFAULT now()
);
