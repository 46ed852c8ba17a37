package service

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// itemStore keeps items in PostgreSQL, in the table migration 1 creates.
type itemStore struct {
	db *pgxpool.Pool
}

func newItemStore(db *pgxpool.Pool) *itemStore {
	return &itemStore{db: db}
}

// create stores a new item and returns it with its id and creation time
// (the database's, so a later read gives the same instant).
func (s *itemStore) create(ctx context.Context, name string, description *string) (Item, error) {
	ctx, cancel := detached(ctx)
	defer cancel()
	item := Item{ID: newID(), Name: name, Description: description}
	err := s.db.QueryRow(ctx,
		`INSERT INTO items (id, name, description) VALUES ($1, $2, $3) RETURNING created_at`,
		item.ID, name, description).Scan(&item.CreatedAt)
	item.CreatedAt = item.CreatedAt.UTC()
	return item, err
}

// get returns the item with that id; found is false when there is none.
func (s *itemStore) get(ctx context.Context, id string) (item Item, found bool, err error) {
	if !isUUID(id) {
		return Item{}, false, nil // the uuid column would refuse it: no such item
	}
	err = s.db.QueryRow(ctx,
		`SELECT id, name, description, created_at FROM items WHERE id = $1`, id,
	).Scan(&item.ID, &item.Name, &item.Description, &item.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return Item{}, false, nil
	}
	if err != nil {
		return Item{}, false, err
	}
	item.CreatedAt = item.CreatedAt.UTC()
	return item, true, nil
}
