package service

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// An item's status: the saga (consumer.go) withdraws an item a downstream
// service rejected.
const (
	itemActive    = "active"
	itemWithdrawn = "withdrawn"
)

// itemStore keeps items in PostgreSQL, and writes the events their changes
// cause to the outbox in the same transaction (events.go).
type itemStore struct {
	db     *pgxpool.Pool
	source string // the events' source, /<team>/<service>
}

func newItemStore(db *pgxpool.Pool, source string) *itemStore {
	return &itemStore{db: db, source: source}
}

// create stores a new item and its item.created.v1 event: both or neither.
// The creation time is the database's, so a later read gives the same
// instant.
func (s *itemStore) create(ctx context.Context, name string, description *string) (Item, error) {
	ctx, cancel := detached(ctx)
	defer cancel()
	item := Item{ID: newID(), Name: name, Description: description}
	err := pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx,
			`INSERT INTO items (id, name, description) VALUES ($1, $2, $3) RETURNING created_at, status`,
			item.ID, name, description).Scan(&item.CreatedAt, &item.Status)
		if err != nil {
			return err
		}
		item.CreatedAt = item.CreatedAt.UTC()
		return enqueue(ctx, tx, s.source, eventItemCreated, item.ID, itemCreatedData{
			ID: item.ID, Name: item.Name, Description: item.Description, CreatedAt: item.CreatedAt,
		})
	})
	if err != nil {
		return Item{}, err
	}
	return item, nil
}

// get returns the item with that id; found is false when there is none.
func (s *itemStore) get(ctx context.Context, id string) (item Item, found bool, err error) {
	if !isUUID(id) {
		return Item{}, false, nil // the uuid column would refuse it: no such item
	}
	err = s.db.QueryRow(ctx,
		`SELECT id, name, description, created_at, status FROM items WHERE id = $1`, id,
	).Scan(&item.ID, &item.Name, &item.Description, &item.CreatedAt, &item.Status)
	if errors.Is(err, pgx.ErrNoRows) {
		return Item{}, false, nil
	}
	if err != nil {
		return Item{}, false, err
	}
	item.CreatedAt = item.CreatedAt.UTC()
	return item, true, nil
}

// withdraw is the saga's compensation for a rejected item: within tx, it
// marks the item withdrawn and writes item.withdrawn.v1 to the outbox. An
// unknown or already withdrawn item is left as it is (withdrawn is false).
func (s *itemStore) withdraw(ctx context.Context, tx pgx.Tx, id, reason string) (withdrawn bool, err error) {
	tag, err := tx.Exec(ctx, `UPDATE items SET status = $2 WHERE id = $1 AND status = $3`, id, itemWithdrawn, itemActive)
	if err != nil || tag.RowsAffected() == 0 {
		return false, err
	}
	return true, enqueue(ctx, tx, s.source, eventItemWithdrawn, id, itemWithdrawnData{ID: id, Reason: reason})
}
