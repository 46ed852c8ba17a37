package service

import (
	"context"
	"sync"
	"time"
)

// defaultStoreCapacity is how many items the in-memory store keeps.
const defaultStoreCapacity = 10_000

// itemStore keeps items in memory, so the example runs with no
// infrastructure. It is bounded (oldest out first) so clients cannot grow
// the process without limit. The handlers only use create and get: a store
// backed by a database offers the same two methods.
type itemStore struct {
	mu    sync.RWMutex
	items map[string]Item
	// order holds the ids in the order they were stored, as a ring: once
	// the store is full, order[next] is the oldest. (Re-slicing a queue
	// from the front copies all of it every time append runs out of room.)
	order []string
	next  int
}

func newItemStore(capacity int) *itemStore {
	return &itemStore{items: make(map[string]Item, capacity), order: make([]string, capacity)}
}

// create stores a new item and returns it with its id and creation time.
// The in-memory store never fails; the error is part of the method for the
// stores that can.
func (s *itemStore) create(_ context.Context, name string, description *string) (Item, error) {
	item := Item{ID: newID(), Name: name, Description: description, CreatedAt: time.Now().UTC()}
	s.mu.Lock()
	defer s.mu.Unlock()
	if oldest := s.order[s.next]; oldest != "" {
		delete(s.items, oldest)
	}
	s.order[s.next] = item.ID
	s.next = (s.next + 1) % len(s.order)
	s.items[item.ID] = item
	return item, nil
}

// get returns the item with that id; found is false when there is none.
func (s *itemStore) get(_ context.Context, id string) (item Item, found bool, err error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	item, found = s.items[id]
	return item, found, nil
}
